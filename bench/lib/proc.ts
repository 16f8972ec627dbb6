/**
 * Processes of a benchmark run: peers and load generators, their CPU time and resident memory (from /proc).
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Command, Reply } from '../loadgen.js';
import type { PublishCommand, PublishReply } from '../publish.js';
import type { Target } from './publisher.js';

/**
 * V8 flags of every peer alike: `gc()` for RSS readings, and a young generation pinned at V8's default maximum
 * (16 MiB semi-spaces) so that RSS differences measure connections, not how far V8 resized its nursery.
 * BENCH_PEER_FLAGS adds more (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the peers).
 */
const PEER_FLAGS = `--expose-gc --min-semi-space-size=16 --max-semi-space-size=16 ${process.env.BENCH_PEER_FLAGS ?? ''}`;

/**
 * The server under test gets CPU 0 to itself; load generators and the publisher share CPU 1, so one cannot slow
 * the other down and the server's own latency and saturation are visible. `taskset` is part of util-linux.
 */
export const SERVER_CPU = '0';
export const LOAD_CPU = '1';
const canPin = spawnSync('taskset', ['-pc', LOAD_CPU, String(process.pid)]).status === 0;

/** Pins a process to the load generators' CPU (and says whether pinning is possible at all). */
export function pinToLoadCpu(pid: number): boolean {
  return canPin && spawnSync('taskset', ['-pc', LOAD_CPU, String(pid)]).status === 0;
}

/** Whether processes are pinned to separate CPUs in this run. */
export const pinned = canPin;

/**
 * Starts a peer (a compiled script, see lib/build.ts) with a raised file-descriptor limit; resolves with its port
 * once it prints READY.
 */
export function startPeer(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number; publishPort: number }> {
  const pin = canPin ? `taskset -c ${SERVER_CPU} ` : '';
  const child = spawn('bash', ['-c', `ulimit -n $(ulimit -Hn); exec ${pin}"${process.execPath}" ${PEER_FLAGS} "${script}"`], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let started = false;
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      // Whatever a peer prints after READY (e.g. --trace-gc from BENCH_PEER_FLAGS) goes to our stderr.
      if (started) return void process.stderr.write(d);
      out += d.toString();
      const m = /READY (\d+) (\d+)/.exec(out);
      if (m) {
        started = true;
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]), publishPort: Number(m[2]) });
      }
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** A compiled bench process on the load CPU, driven by request/reply over IPC: replies answer commands in order. */
class Worker<C, R> {
  readonly child: ChildProcess;
  #waiting: ((r: R) => void)[] = [];

  /** `onOther` takes the messages that answer no command (return true for those). */
  constructor(script: string, env: Record<string, string>, onOther: (r: R) => boolean = () => false) {
    this.child = fork(script, [], { execArgv: [], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (this.child.pid !== undefined) pinToLoadCpu(this.child.pid);
    this.child.on('message', (r: R) => {
      if (!onOther(r)) this.#waiting.shift()?.(r);
    });
  }

  ask<T extends R>(cmd: C): Promise<T> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve as (r: R) => void);
      this.child.send(cmd as object);
    });
  }

  stop(): void {
    this.child.kill();
  }
}

/** A load generator process (the compiled `loadgen.ts`). */
export class LoadGen {
  received = 0;
  readonly #worker: Worker<Command, Reply>;

  constructor(script: string) {
    // Progress reports answer no command: they update the count of frames received.
    this.#worker = new Worker<Command, Reply>(script, {}, (r) => {
      if (r.op !== 'progress') return false;
      this.received = r.received;
      return true;
    });
  }

  get child(): ChildProcess {
    return this.#worker.child;
  }

  ask<R extends Reply>(cmd: Command): Promise<R> {
    return this.#worker.ask<R>(cmd);
  }

  stop(): void {
    this.#worker.stop();
  }
}

/** A publisher process (the compiled `publish.ts`) for a run's targets. */
export class PublisherProc {
  published = 0;
  failures = 0;
  readonly #worker: Worker<PublishCommand, PublishReply>;

  constructor(script: string, targets: readonly Target[]) {
    this.#worker = new Worker<PublishCommand, PublishReply>(script, { BENCH_TARGETS: JSON.stringify(targets) });
  }

  get child(): ChildProcess {
    return this.#worker.child;
  }

  /** Publishes `count` times to target `target`, 16 requests at once; resolves when every one is answered. */
  burst(target: number, count: number): Promise<void> {
    return this.#ask({ op: 'burst', target, count });
  }

  /** Publishes `count` times to every target, in turn (see Publishers.rotate); resolves when all are answered. */
  rotate(count: number, perSecond: number): Promise<void> {
    return this.#ask({ op: 'rotate', count, perSecond });
  }

  async #ask(cmd: PublishCommand): Promise<void> {
    const { published, failures } = await this.#worker.ask(cmd);
    this.published = published;
    this.failures = failures;
  }

  stop(): void {
    this.#worker.stop();
  }
}

/** CPU time (ms) a process has run so far, to the nanosecond (the scheduler's count, not clock ticks). */
export function cpuMs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

/** Resident set size in bytes. */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Measures the CPU share (percent of one core) of each pid over `fn`. */
export async function cpuDuring<T>(pids: number[], fn: () => Promise<T>): Promise<{ result: T; cpu: number[]; seconds: number }> {
  const before = pids.map(cpuMs);
  const t0 = performance.now();
  const result = await fn();
  const seconds = (performance.now() - t0) / 1000;
  return { result, cpu: pids.map((p, i) => (cpuMs(p) - (before[i] as number)) / (10 * seconds)), seconds };
}
