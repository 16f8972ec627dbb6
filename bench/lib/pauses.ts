/**
 * Pause recording, for finding out where a latency tail comes from (`BENCH_PAUSES=<dir> npm run bench -- --only
 * latency`). Off unless BENCH_PAUSES names a directory: the recording costs every process a timer wakeup every
 * {@link TICK_MS} ms.
 *
 * Every bench process (peers, load generators, publisher) records, on the benchmark clock (clock.ts):
 * - its garbage collections (PerformanceObserver `gc` entries), and
 * - its event loop's lateness: a timer due every TICK_MS that ran more than {@link LATE_MS} late, whether the
 *   process was busy (a long fan-out, a collection) or waited for the CPU (another process ran).
 * On SIGUSR2 it writes them to `<dir>/<role>-<pid>.json`; bench/main.ts then lines them up with the slowest
 * publishes ({@link explain}) and writes those to `<dir>/slowest-<peer>.json`: their send times are on the same
 * clock as a peer's `--cpu-prof` samples (CLOCK_MONOTONIC, in µs there), to see what the peer was doing.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { now } from './clock.js';

/** One pause of a process: when it began (benchmark clock, ms), how long it lasted, and what it was. */
export interface Pause {
  readonly at: number;
  readonly ms: number;
  readonly what: string;
}

const TICK_MS = 2;
const LATE_MS = 1;

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** The directory pauses are written to, when recording is on. */
export const PAUSE_DIR = process.env.BENCH_PAUSES || undefined;

/** Starts recording this process's pauses when BENCH_PAUSES is set; `role` names the process in the files. */
export function recordPauses(role: string): void {
  const dir = PAUSE_DIR;
  if (dir === undefined) return;
  const pauses: Pause[] = [];
  const offset = now() - performance.now();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1;
      pauses.push({ at: e.startTime + offset, ms: e.duration, what: GC_KINDS[kind] ?? `gc ${kind}` });
    }
  }).observe({ entryTypes: ['gc'] });
  let due = now() + TICK_MS;
  setInterval(() => {
    const t = now();
    if (t - due > LATE_MS) pauses.push({ at: due, ms: t - due, what: 'late loop' });
    due = t + TICK_MS;
  }, TICK_MS).unref();
  process.on('SIGUSR2', () => writeFileSync(join(dir, `${role}-${process.pid}.json`), JSON.stringify(pauses)));
}

/** Reads what a process wrote on SIGUSR2 (an empty list when it wrote nothing). */
export function readPauses(role: string, pid: number): Pause[] {
  try {
    return JSON.parse(readFileSync(join(PAUSE_DIR ?? '.', `${role}-${pid}.json`), 'utf8')) as Pause[];
  } catch {
    return [];
  }
}

/** A publish as the load generators saw it: sent at `sent`, its last member reached `slowest` ms later. */
export interface SlowPublish {
  readonly seq: number;
  readonly sent: number;
  readonly slowest: number;
}

/**
 * Lines up a peer's slowest publishes with the pauses of every process: for each publish, the pauses that
 * overlap its flight (from its send to its last member's arrival). Returns report lines.
 */
export function explain(peer: string, slow: readonly SlowPublish[], processes: ReadonlyMap<string, readonly Pause[]>): string[] {
  const counts = new Map<string, number>();
  const lines: string[] = [];
  for (const p of slow) {
    const end = p.sent + p.slowest;
    const hits: { source: string; pause: Pause }[] = [];
    for (const [name, pauses] of processes) {
      for (const pause of pauses) if (pause.at < end && pause.at + pause.ms > p.sent) hits.push({ source: `${name} ${pause.what}`, pause });
    }
    const sources = new Set(hits.length === 0 ? ['no recorded pause'] : hits.map((h) => h.source));
    for (const s of sources) counts.set(s, (counts.get(s) ?? 0) + 1);
    if (lines.length < 8) {
      const what = hits.map((h) => `${h.source} ${h.pause.ms.toFixed(1)} ms at +${(h.pause.at - p.sent).toFixed(1)}`);
      lines.push(`    publish ${p.seq}: last member ${p.slowest.toFixed(1)} ms; ${what.length > 0 ? what.join('; ') : 'no recorded pause'}`);
    }
  }
  const summary = [...counts].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(', ');
  return [`[${peer}] its ${slow.length} slowest publishes (a member above the p99) overlapped: ${summary}`, ...lines];
}
