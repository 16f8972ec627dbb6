/**
 * Runs the `roomcast` command as a real process, waits for it to listen, and stops it on every path.
 *
 * Every process started here is remembered until it exits; when the test process exits for any reason (the
 * tests ended, a test timed out, an assertion failed in a hook), the ones still running are SIGKILLed, so a test
 * file never leaves a server behind. Tests still stop their processes themselves with {@link stop} in a
 * `finally` or an `after` hook, which also waits for the exit; the exit hook is the net under them.
 * `scripts/test.mjs` adds a second net: it kills whatever a test file's process group still holds when the run
 * ends, and fails the run if there was any.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

/** How long a cold `roomcast` process may take to listen: tsx compiles the source first, on a busy machine. */
export const START_TIMEOUT_MS = 60_000;

export interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  /** The exit code (`null` when a signal ended it). */
  exit: Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `roomcast <args>` (the source, through tsx) with `env` added to this process's environment. */
export function run(args: string[], env: Record<string, string> = {}): Proc {
  return spawnTracked(process.execPath, ['--import', 'tsx', MAIN, ...args], { env });
}

/** The command line that runs `roomcast` from the source, for shells (`roomcast() { exec … "$@"; }`). */
export const ROOMCAST_COMMAND = `${process.execPath} --import tsx ${MAIN}`;

/**
 * Starts any command the way {@link run} starts `roomcast`: output collected, remembered until it exits, killed
 * when this process exits. `env` is added to this process's environment.
 */
export function spawnTracked(command: string, args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Proc {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
    child.on('error', (error) => {
      running.delete(child);
      err += `spawn failed: ${error.message}\n`;
      resolve(null);
    });
  });
  return { child, out: () => out, err: () => err, exit };
}

/**
 * Waits for the pino "roomcast listening" line and returns its URL. If the process exits first, or does not
 * listen within `timeoutMs`, it is killed (and waited for) and the error carries its output.
 */
export async function listening(p: Proc, timeoutMs = START_TIMEOUT_MS): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void p.exit.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    for (const line of p.out().split('\n')) {
      if (line.includes('roomcast listening')) return (JSON.parse(line) as { url: string }).url;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const why = exited ? `exited (${String(await p.exit)}) before listening` : `did not listen within ${timeoutMs} ms`;
  await stop(p, 'SIGKILL');
  throw new Error(`roomcast ${why}:\n${p.out()}\n${p.err()}`);
}

/**
 * Sends `signal` (SIGTERM: roomcast's graceful shutdown) and waits for the exit; a process still running after
 * `graceMs` is SIGKILLed. Returns the exit code (`null` when a signal ended it). Safe to call on a process that
 * has exited already, and more than once.
 */
export async function stop(p: Proc, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exit;
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
  throw new Error(`roomcast did not exit within ${timeoutMs} ms:\n${p.out()}\n${p.err()}`);
}
