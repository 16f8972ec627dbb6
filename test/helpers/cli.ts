/**
 * Runs the `roomcast` command as a real process, waits for it to listen, and stops it on every path.
 *
 * Every process started here is remembered until it exits; when the test process exits for any reason (the
 * tests ended, a test timed out, an assertion failed in a hook), the ones still running are SIGKILLed, so a test
 * file never leaves a server behind. Tests still stop their processes themselves with {@link stop} in a
 * `finally` or an `after` hook, which also waits for the exit; the exit hook is the net under them.
 * `scripts/test.mjs` adds a second net: it kills whatever a test file's process group still holds when the run
 * ends, and fails the run if there was any. So nothing started here leaves that group: a command that starts
 * processes of its own (npm, npx, `sh -c`) is started with `tree: true` and stopped with all its descendants,
 * found through /proc (Linux), rather than in a process group of its own, which neither net would see.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

/** How long a cold `roomcast` process may take to listen: tsx compiles the source first, on a busy machine. */
export const START_TIMEOUT_MS = 60_000;

export interface Proc {
  child: ChildProcess;
  /** What it is, for errors: `roomcast`, or the command line. */
  name: string;
  /** Whether signals go to its descendants too (see {@link spawnTracked}). */
  tree: boolean;
  out: () => string;
  err: () => string;
  /** The exit code (`null` when a signal ended it). */
  exit: Promise<number | null>;
}

const running = new Set<Proc>();
process.on('exit', () => {
  for (const p of running) signalAll(p.tree ? processTree(p) : [p.child.pid], 'SIGKILL');
});

/** Starts `roomcast <args>` (the source, through tsx) with `env` added to this process's environment. */
export function run(args: string[], env: Record<string, string> = {}): Proc {
  return spawnTracked(process.execPath, ['--import', 'tsx', MAIN, ...args], { env, name: 'roomcast' });
}

/** The command line that runs `roomcast` from the source, for shells (`roomcast() { exec … "$@"; }`). */
export const ROOMCAST_COMMAND = `${process.execPath} --import tsx ${MAIN}`;

export interface SpawnOptions {
  /** Added to `baseEnv`. */
  env?: Record<string, string>;
  /** The environment `env` is added to. @default process.env */
  baseEnv?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * For a command that starts processes of its own (npm, npx, `sh -c`): {@link stop} and the exit hook signal
   * the process and every descendant it has then, so none is left behind when the command itself exits. They
   * stay in this process's group, where scripts/test.mjs looks. @default false
   */
  tree?: boolean;
  /** For errors. @default the command line */
  name?: string;
}

/**
 * Starts any command the way {@link run} starts `roomcast`: output collected, remembered until it exits, killed
 * when this process exits.
 */
export function spawnTracked(command: string, args: string[], options: SpawnOptions = {}): Proc {
  const child = spawn(command, args, {
    env: { ...(options.baseEnv ?? process.env), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  let proc: Proc | undefined;
  const exit = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      if (proc !== undefined) running.delete(proc);
      resolve(code);
    });
    child.on('error', (error) => {
      if (proc !== undefined) running.delete(proc);
      err += `spawn failed: ${error.message}\n`;
      resolve(null);
    });
  });
  proc = { child, name: options.name ?? [command, ...args].join(' '), tree: options.tree ?? false, out: () => out, err: () => err, exit };
  running.add(proc);
  return proc;
}

/** How a wait for output failed: the process exited first (with `code`), or `timeoutMs` passed. */
export type Missed = { readonly exited: true; readonly code: number | null } | { readonly exited: false; readonly timeoutMs: number };

/**
 * Waits until the process's stdout matches `pattern` and returns the match. If the process exits first, or
 * nothing matches within `timeoutMs`, it is killed (and waited for) and the error, `describe`d, carries its output.
 */
export async function waitForOutput(
  p: Proc,
  pattern: RegExp,
  timeoutMs = START_TIMEOUT_MS,
  describe: (missed: Missed) => string = (m) => (m.exited ? `${p.name} exited (${String(m.code)}) before printing ${pattern}` : `${p.name} printed no ${pattern} within ${m.timeoutMs} ms`),
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void p.exit.then(() => (exited = true));
  for (;;) {
    // Looked at once more after the exit: the last output may come with it.
    const match = pattern.exec(p.out());
    if (match !== null) return match;
    if (exited || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const why = describe(exited ? { exited, code: await p.exit } : { exited, timeoutMs });
  await stop(p, 'SIGKILL');
  throw new Error(`${why}:\n${p.out()}\n${p.err()}`);
}

/**
 * Waits for the pino "roomcast listening" line and returns its URL. If the process exits first, or does not
 * listen within `timeoutMs`, it is killed (and waited for) and the error carries its output.
 */
export async function listening(p: Proc, timeoutMs = START_TIMEOUT_MS): Promise<string> {
  const [line = ''] = await waitForOutput(p, /^.*roomcast listening.*$/m, timeoutMs, (m) =>
    m.exited ? `roomcast exited (${String(m.code)}) before listening` : `roomcast did not listen within ${m.timeoutMs} ms`,
  );
  return (JSON.parse(line) as { url: string }).url;
}

/** The process and its descendants (Linux: /proc), parents first; `[]` once it has exited. */
function processTree(p: Proc): number[] {
  const root = p.child.pid;
  if (root === undefined || p.child.exitCode !== null || p.child.signalCode !== null) return [];
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after its last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // it exited while we looked
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

/** Whether `pid` is a process that has not exited (a zombie has). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function signalAll(pids: readonly (number | undefined)[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

/** Resolves when `done()` holds (looked at every 20 ms), or with false after `ms`. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/**
 * Sends `signal` (SIGTERM: roomcast's graceful shutdown) and waits for the exit; a process still running after
 * `graceMs` is SIGKILLed. With `tree`, the signals go to its descendants as well, and the wait is for all of them.
 * Returns the exit code (`null` when a signal ended it). Safe to call on a process that has exited already, and
 * more than once.
 */
export async function stop(p: Proc, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exit;
  if (p.tree) {
    const pids = processTree(p);
    signalAll(pids, signal);
    if (!(await until(() => !pids.some(alive), graceMs))) {
      signalAll([...pids, ...processTree(p)], 'SIGKILL');
      await until(() => !pids.some(alive), graceMs);
    }
    return p.exit;
  }
  p.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
  const first = await Promise.race([p.exit, late]);
  clearTimeout(timer);
  if (first !== 'late') return first;
  p.child.kill('SIGKILL');
  return p.exit;
}

/**
 * Waits for a process that should end by itself (`--help`, a refused configuration) and returns its exit code;
 * one still running after `timeoutMs` is killed, and the error carries its output.
 */
export async function exited(p: Proc, timeoutMs = START_TIMEOUT_MS): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  const first = await Promise.race([p.exit, late]);
  clearTimeout(timer);
  if (first !== 'late') return first;
  await stop(p, 'SIGKILL');
  throw new Error(`${p.name} did not exit within ${timeoutMs} ms:\n${p.out()}\n${p.err()}`);
}
