/**
 * How test/docs/examples.test.ts runs a documentation example: a TypeScript block as a program of its own, a
 * shell block of `roomcast serve` commands as servers that must start, and a shell block of requests as one
 * script whose output must show what the block's `# ` lines say.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOMCAST_COMMAND, exited, listening, spawnTracked, stop } from '../helpers/cli.js';

/** What a context gives the example it runs. */
export interface Setup {
  /** Text replaced in the block before it runs: the documented addresses by those of the live services. */
  readonly replace?: ReadonlyArray<readonly [string, string]>;
  /** TypeScript run before the block (its imports go first; name them `__x` so they cannot clash). */
  readonly prelude?: string;
  /** TypeScript run after the block, which sees its variables: checks of what it did. */
  readonly epilogue?: string;
  /** Environment of the example's process, added to this one's. */
  readonly env?: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

const SRC = new URL('../../src/', import.meta.url);
/** The package's entry points, as the example imports them, mapped to the source. */
const ENTRIES: Readonly<Record<string, string>> = {
  roomcast: new URL('./roomcast-shim.ts', import.meta.url).href,
  'roomcast/client': new URL('client/index.ts', SRC).href,
  'roomcast/models': new URL('models/index.ts', SRC).href,
  'roomcast/redis': new URL('redis.ts', SRC).href,
  'roomcast/wire': new URL('wire/index.ts', SRC).href,
};
const TSX = import.meta.resolve('tsx');
const IMPORT = /^import\s[^;]*?from\s+(['"])([^'"]+)\1;?[^\S\n]*(\/\/.*)?$/gm;
/** How long one example may run. */
const EXAMPLE_MS = 60_000;

export function applyReplacements(code: string, setup: Setup): string {
  let out = code;
  for (const [from, to] of setup.replace ?? []) out = out.split(from).join(to);
  return out;
}

/** Splits a program into its import lines (their packages resolved as the example's reader would) and the rest. */
function imports(code: string): { head: string[]; body: string } {
  const head: string[] = [];
  const body = code.replace(IMPORT, (line: string, quote: string, spec: string) => {
    const resolved = ENTRIES[spec] ?? (spec.startsWith('node:') ? spec : import.meta.resolve(spec));
    head.push(line.replace(`${quote}${spec}${quote}`, JSON.stringify(resolved)));
    return '';
  });
  return { head, body };
}

const RESULT = /^(\s*)const (\w+) = (.+;)\s*\/\/ → ([^;…]+?)\s*(;.*)?$/;

/** After each `const x = …; // → value` line, a check that `x` deep-equals `value` (a value with `…` is prose). */
export function withResultChecks(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const m = RESULT.exec(line);
      if (m === null) return line;
      const [, indent = '', name = '', , value = ''] = m;
      return `${line}\n${indent}__assert.deepEqual(${name}, (${value}), ${JSON.stringify(`${name} should be ${value}`)});`;
    })
    .join('\n');
}

/**
 * Runs a TypeScript block as a program (an `.mts` file in a directory of its own, which is its working
 * directory): the context's prelude, the block, the context's epilogue. It passes when the program ends with
 * exit code 0 within a minute; anything it throws or rejects fails it, with its output, and so does a
 * `const x = …; // → value` whose `x` is not `value`.
 */
export async function runTypeScript(code: string, where: string, setup: Setup): Promise<void> {
  const example = imports(withResultChecks(applyReplacements(code, setup)));
  const prelude = imports(setup.prelude ?? '');
  const program = [
    "import __assert from 'node:assert/strict';",
    ...prelude.head,
    ...example.head,
    prelude.body,
    `// ---- ${where}`,
    example.body,
    '// ---- checks of the context',
    setup.epilogue ?? '',
    'process.exit(0);',
    '',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-example-'));
  try {
    writeFileSync(join(dir, 'example.mts'), program);
    const p = spawnTracked(process.execPath, ['--import', TSX, join(dir, 'example.mts')], { cwd: dir, env: { ...setup.env } });
    const status = await exited(p, EXAMPLE_MS);
    assert.equal(status, 0, `${where} failed (exit ${String(status)}):\n${p.err()}\n${p.out()}\n---- program:\n${program}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A shell command of a block and the `# ` lines after it: what its output must show. */
export interface Command {
  readonly line: number;
  readonly text: string;
  readonly expected: readonly string[];
}

/** The commands of a shell block: `\`-continued lines joined; `# ` lines before the first command are prose. */
export function commandsOf(code: string): Command[] {
  const commands: { line: number; text: string; expected: string[] }[] = [];
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    if (line.trimStart().startsWith('#')) {
      commands.at(-1)?.expected.push(line.trimStart().replace(/^# ?/, ''));
      continue;
    }
    let text = line;
    while (text.endsWith('\\') && i + 1 < lines.length) {
      i += 1;
      text = `${text}\n${lines[i] ?? ''}`;
    }
    commands.push({ line: i + 1, text, expected: [] });
  }
  return commands;
}

/** Shell functions that make `roomcast` and `npx roomcast` this repository's command, from the source. */
const SHELL_PRELUDE = `roomcast() { exec ${ROOMCAST_COMMAND} "$@"; }\nnpx() { "$@"; }\n`;

/** Runs each command (a `roomcast serve`) until it listens, then stops it with SIGTERM: it must exit 0. */
export async function runServers(code: string, where: string, setup: Setup): Promise<void> {
  for (const command of commandsOf(applyReplacements(code, setup))) {
    const p = spawnTracked('bash', ['-c', `${SHELL_PRELUDE}${command.text}`], { env: { ROOMCAST_PORT: '0', ...setup.env } });
    try {
      await listening(p);
      assert.equal(await stop(p), 0, `${where}: \`${command.text}\` did not shut down cleanly:\n${p.err()}`);
    } catch (err) {
      throw new Error(`${where}: \`${command.text}\`: ${(err as Error).message}`);
    } finally {
      await stop(p, 'SIGKILL');
    }
  }
}

/** `…` in an expected line stands for anything; the rest must match the output line exactly. */
function lineMatcher(expected: string): RegExp {
  return new RegExp(`^${expected.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/**
 * Runs the block as one bash script (so variables carry from one command to the next) and checks that each
 * command's output shows its expected lines in order (other lines, such as response headers, may come between).
 */
export async function runSequence(code: string, where: string, setup: Setup): Promise<void> {
  const commands = commandsOf(applyReplacements(code, setup));
  const script = SHELL_PRELUDE + commands.map((c, i) => `printf '\\n@@command ${i}\\n'\n${c.text}\n`).join('');
  // curl reads $CURL_HOME/.curlrc: each request is bounded without changing the documented commands.
  const curlHome = mkdtempSync(join(tmpdir(), 'roomcast-curl-'));
  writeFileSync(join(curlHome, '.curlrc'), 'max-time = 20\n');
  const p = spawnTracked('bash', ['-c', script], { env: { ...setup.env, CURL_HOME: curlHome } });
  const status = await exited(p, EXAMPLE_MS).finally(() => rmSync(curlHome, { recursive: true, force: true }));
  assert.equal(status, 0, `${where}: the script failed (exit ${String(status)}):\n${p.err()}`);
  const outputs = p.out().split(/\n?@@command \d+\n/).slice(1);
  for (const [i, command] of commands.entries()) {
    const lines = (outputs[i] ?? '').replace(/\r/g, '').split('\n');
    let at = 0;
    for (const expected of command.expected) {
      const matcher = lineMatcher(expected);
      while (at < lines.length && !matcher.test(lines[at] ?? '')) at += 1;
      assert.ok(at < lines.length, `${where}, line ${command.line}: \`${command.text}\` should print\n  ${expected}\nbut printed:\n  ${(outputs[i] ?? '').replace(/\r/g, '').split('\n').join('\n  ')}`);
      at += 1;
    }
  }
}
