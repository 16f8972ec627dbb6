/**
 * roomcast as another project gets it: `npm pack` (which rebuilds dist/) in a copy of the working tree, the tarball installed into a fresh app
 * from the npm cache, its `roomcast` bin and its modules used from there, and the README's quick start run in that
 * app as written (only the port is changed, to a free one). Bounded: every step has a deadline, every process it
 * starts is stopped with what it started (helpers/cli.ts) and the temporary directory removed on every path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exited, spawnTracked, stop, waitForOutput, type Proc } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; exports: Record<string, unknown> };

/** The test's environment without the `npm_*` variables an `npm test` run sets (they would point npm at this repo). */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) clean[k] = v;
  return { ...clean, ...extra };
}

/** Starts a command (and what it starts: npm → sh → node) as helpers/cli.ts tracks and stops it, without `npm_*`. */
const start = (command: string, args: readonly string[], cwd: string, extra: Record<string, string> = {}): Proc =>
  spawnTracked(command, [...args], { cwd, baseEnv: env(), env: extra, tree: true });

/** Runs a command to its end, or fails (and stops it) after `timeoutMs`. */
async function run(command: string, args: readonly string[], cwd: string, timeoutMs: number, extra: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const p = start(command, args, cwd, extra);
  const code = await exited(p, timeoutMs);
  return { code, out: p.out(), err: p.err() };
}

/**
 * The working tree's files as git sees them (tracked, and new ones not ignored; uncommitted changes included), copied
 * to `dir` with this checkout's node_modules linked in: `npm pack` there clears and rebuilds that copy's dist/, not
 * the one other test files use.
 */
function copyTree(dir: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  for (const file of listed.split('\0')) {
    if (file === '' || !existsSync(join(ROOT, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every file the package's `exports` map names. */
function exportTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return value !== null && typeof value === 'object' ? Object.values(value).flatMap(exportTargets) : [];
}

/** The code blocks of the README's quick start, in order: `sh` blocks as commands, `js` blocks as files. */
function quickStart(readme: string): ({ kind: 'sh'; commands: string[] } | { kind: 'js'; name: string; text: string })[] {
  const start = readme.indexOf('\n## Quick start: a new Node app\n');
  assert.ok(start >= 0, 'the README has its quick start');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```(sh|js)\n([\s\S]*?)```/g)].map(([, lang, body = '']) => {
    if (lang === 'js') {
      const name = /^\/\/ (\S+\.mjs)\n/.exec(body)?.[1];
      assert.ok(name !== undefined, `a js block of the quick start names its file on its first line:\n${body}`);
      return { kind: 'js', name, text: body };
    }
    return { kind: 'sh', commands: body.replace(/\\\n\s*/g, '').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')) };
  });
}

test('npm pack, installed in a fresh app: the bin, the modules, and the README quick start as written', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-pack-'));
  const running: Proc[] = [];
  try {
    // npm pack runs prepack (clears dist/) and prepare (the build), so the tarball holds a fresh build: of a copy.
    const tree = join(dir, 'tree');
    copyTree(tree);
    const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], tree, 180_000);
    assert.equal(packed.code, 0, packed.err);
    const [info] = JSON.parse(packed.out) as [{ filename: string; files: { path: string }[] }];
    const files = info.files.map((f) => f.path);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'docs/client.md', 'dist/cli/main.js', 'dist/index.d.ts', ...exportTargets(pkg.exports).map((t) => t.replace(/^\.\//, ''))]) {
      assert.ok(files.includes(needed), `the tarball holds ${needed}`);
    }
    assert.deepEqual(files.filter((f) => /^(src|test|bench|scripts|node_modules|\.ci)\//.test(f)), [], 'no sources, tests or dependencies');

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const blocks = quickStart(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    const port = String(await freePort());
    const local = (text: string): string => text.replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`);

    let listener: Proc | undefined;
    let installed = false;
    for (const block of blocks) {
      if (block.kind === 'js') {
        writeFileSync(join(app, block.name), local(block.text));
        continue;
      }
      for (const command of block.commands) {
        const install = /^npm install (\S*roomcast-[\d.]+\.tgz)( .*)?$/.exec(command);
        if (install !== null) {
          assert.equal(install[1]?.split('/').at(-1), info.filename, 'the README installs the tarball npm pack writes');
          // The README's command, with the tarball's path here; every dependency is in the npm cache after npm ci.
          const args = ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, info.filename), ...(install[2] ?? '').trim().split(/\s+/).filter(Boolean)];
          const result = await run('npm', args, app, 360_000);
          assert.equal(result.code, 0, result.err);
          installed = true;
          await checkInstalled(app);
        } else if (/^npx roomcast serve /.test(command)) {
          const server = start('sh', ['-c', command], app, { ROOMCAST_PORT: port });
          running.push(server);
          await waitForOutput(server, /roomcast listening/, 30_000);
        } else if (/^node listen\.mjs /.test(command)) {
          listener = start('sh', ['-c', command], app);
          running.push(listener);
          await waitForOutput(listener, /^subscribed to \{"chat":"lobby"\}$/m, 30_000);
        } else {
          const result = await run('sh', ['-c', local(command)], app, 30_000);
          assert.equal(result.code, 0, `${command}\n${result.out}\n${result.err}`);
        }
      }
    }
    assert.ok(installed && listener !== undefined, 'the quick start installs, serves and listens');
    // "listen.mjs prints `lobby: { text: 'hello' }`"
    await waitForOutput(listener, /^lobby: \{ text: 'hello' \}$/m, 10_000);

    // token.mjs mints what the server accepts: its token joins the room too.
    const minted = await run(process.execPath, ['token.mjs'], app, 30_000, { ROOMCAST_JWT_SECRET: 'dev-jwt-secret' });
    assert.equal(minted.code, 0, minted.err);
    const second = start(process.execPath, ['listen.mjs', minted.out.trim()], app);
    running.push(second);
    await waitForOutput(second, /^subscribed to \{"chat":"lobby"\}$/m, 30_000);
  } finally {
    await Promise.all(running.map((p) => stop(p)));
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The installed package: an executable bin with a shebang, `npx roomcast --help`, and every module importable. */
async function checkInstalled(app: string): Promise<void> {
  const bin = join(app, 'node_modules', '.bin', 'roomcast');
  accessSync(bin, constants.X_OK);
  assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const help = await run('npx', ['roomcast', '--help'], app, 30_000);
  assert.equal(help.code, 0, help.err);
  assert.match(help.out, /roomcast serve \[options\]/);
  assert.match(help.out, /roomcast token --secret S/);
  const script = `
    const [main, client, models, redis, wire] = await Promise.all([import('roomcast'), import('roomcast/client'), import('roomcast/models'), import('roomcast/redis'), import('roomcast/wire')]);
    const store = await models.openStore('sqlite::memory:');  // better-sqlite3's native binary, built by the install
    const m = models.createModels(store);
    const notes = m.define({ name: 'app.Note', fields: { id: 'key', text: 'text' } });
    await m.migrate();
    await notes.create({ text: 'hi' });
    const found = (await notes.list({})).rows.length;
    await store.close();
    console.log(JSON.stringify({
      from: import.meta.resolve('roomcast'),
      kinds: [typeof main.createServer, typeof main.createJwtAuth, typeof main.signJwt, typeof client.TemplarClient, typeof client.RohrpostClient, typeof redis.createRedisLayer, typeof wire.parseJson],
      browser: import.meta.resolve('roomcast/client/browser'),
      found,
    }));`;
  const imported = await run(process.execPath, ['--input-type=module', '-e', script], app, 30_000);
  assert.equal(imported.code, 0, imported.err);
  const seen = JSON.parse(imported.out) as { from: string; kinds: string[]; browser: string; found: number };
  assert.ok(seen.from.startsWith(`file://${join(app, 'node_modules', 'roomcast')}/`), `resolved in the app: ${seen.from}`);
  assert.deepEqual(seen.kinds, Array(7).fill('function'));
  accessSync(fileURLToPath(seen.browser), constants.R_OK);
  assert.equal(seen.found, 1);
}
