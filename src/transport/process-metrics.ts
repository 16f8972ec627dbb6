/**
 * The process's own metrics (CPU, memory, file descriptors, event loop, garbage collection), read at scrape time:
 * no timer, so an idle node stays asleep.
 *
 * Why not prom-client's `collectDefaultMetrics`: its event-loop-delay histogram samples the loop with a 10 ms
 * timer, for as long as the process lives. That woke every roomcast node 100 times a second and cost it 6.8 ms of
 * CPU per second while idle (measured on the benchmark machine: 0.1 ms without it), and each wakeup could land
 * ahead of a publish.
 *
 * Against prom-client 15's defaults (all under the `roomcast_` prefix, as before):
 * - kept, same names: `process_cpu_{user,system}_seconds_total`, `process_cpu_seconds_total`,
 *   `process_start_time_seconds`, `process_resident_memory_bytes`, `process_open_fds` (Linux),
 *   `nodejs_heap_size_{total,used}_bytes`, `nodejs_external_memory_bytes`, `nodejs_eventloop_lag_seconds`
 *   (measured at scrape time, as the defaults did), `nodejs_version_info`;
 * - replaced: the delay histogram's summary gauges (`nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds`)
 *   by `nodejs_eventloop_{active,idle}_seconds_total`, whose rates give the loop's utilization; the
 *   `nodejs_gc_duration_seconds` histogram by `nodejs_gc_total` and `nodejs_gc_seconds_total` (by `kind`), whose
 *   ratio of rates is the mean pause; `nodejs_active_{handles,requests,resources}` by
 *   `nodejs_active_resources_total`;
 * - left out: `process_virtual_memory_bytes`, `process_heap_bytes`, `process_max_fds` and the per-space heap gauges.
 *
 * @module
 */
import { readdirSync } from 'node:fs';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from 'prom-client';

const PREFIX = 'roomcast_';

/** Collections of this process by kind, counted once for every server in it. */
const collections = new Map<string, { count: number; seconds: number }>();
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
let observing = false;

function observeCollections(): void {
  if (observing) return;
  observing = true;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
      const c = collections.get(kind) ?? { count: 0, seconds: 0 };
      c.count++;
      c.seconds += entry.duration / 1000;
      collections.set(kind, c);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
}

/** A counter that reports a running total read at scrape time (a Counter only grows: it is brought up to it). */
export function counter(registry: Registry, name: string, help: string, read: () => number): void {
  let reported = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value > reported) this.inc(value - reported);
      reported = value;
    },
  });
}

/** A gauge read at scrape time. */
export function gauge(registry: Registry, name: string, help: string, read: () => number | Promise<number>): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      this.set(await read());
    },
  });
}

/** How long until a callback queued now with setImmediate runs (the rest of the loop's current turn), at scrape time. */
function turnDelay(): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => setImmediate(() => resolve(Number(process.hrtime.bigint() - start) / 1e9)));
}

/** Open file descriptors, where /proc tells (Linux). */
function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length - 1; // the directory being read is one of them
  } catch {
    return undefined;
  }
}

/**
 * `read`, called at most once a millisecond: the values of one scrape that come from one Node call (CPU user and
 * system time; heap and external memory) are read together, once.
 */
function oncePerScrape<T>(read: () => T): () => T {
  let at = -Infinity;
  let last: T | undefined;
  return () => {
    const now = performance.now();
    if (last === undefined || now - at > 1) {
      last = read();
      at = now;
    }
    return last;
  };
}

/** Registers the process metrics on `registry`. */
export function registerProcessMetrics(registry: Registry): void {
  observeCollections();
  const started = Math.round(Date.now() / 1000 - process.uptime());
  const cpu = oncePerScrape(() => process.cpuUsage());
  const memory = oncePerScrape(() => process.memoryUsage());
  counter(registry, PREFIX + 'process_cpu_user_seconds_total', 'User CPU time spent in seconds.', () => cpu().user / 1e6);
  counter(registry, PREFIX + 'process_cpu_system_seconds_total', 'System CPU time spent in seconds.', () => cpu().system / 1e6);
  counter(registry, PREFIX + 'process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.', () => (cpu().user + cpu().system) / 1e6);
  gauge(registry, PREFIX + 'process_start_time_seconds', 'Start time of the process since unix epoch in seconds.', () => started);
  gauge(registry, PREFIX + 'process_resident_memory_bytes', 'Resident memory size in bytes.', () => memory().rss);
  if (openFds() !== undefined) gauge(registry, PREFIX + 'process_open_fds', 'Number of open file descriptors.', () => openFds() ?? 0);
  gauge(registry, PREFIX + 'nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', () => memory().heapTotal);
  gauge(registry, PREFIX + 'nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', () => memory().heapUsed);
  gauge(registry, PREFIX + 'nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', () => memory().external);
  gauge(registry, PREFIX + 'nodejs_active_resources_total', 'Resources keeping the event loop alive (sockets, timers, …).', () => process.getActiveResourcesInfo().length);
  gauge(registry, PREFIX + 'nodejs_eventloop_lag_seconds', 'Lag of event loop in seconds (until an immediate callback runs, measured at scrape time).', turnDelay);
  counter(registry, PREFIX + 'nodejs_eventloop_active_seconds_total', 'Time the event loop spent running callbacks; its rate is the loop utilization.', () => performance.eventLoopUtilization().active / 1000);
  counter(registry, PREFIX + 'nodejs_eventloop_idle_seconds_total', 'Time the event loop spent waiting for events.', () => performance.eventLoopUtilization().idle / 1000);
  for (const [name, help, field] of [
    ['nodejs_gc_total', 'Garbage collections, by kind.', 'count'],
    ['nodejs_gc_seconds_total', 'Time spent in garbage collection pauses in seconds, by kind.', 'seconds'],
  ] as const) {
    const reported = new Map<string, number>();
    new Counter({
      name: PREFIX + name,
      help,
      labelNames: ['kind'],
      registers: [registry],
      collect() {
        for (const [kind, c] of collections) {
          const delta = c[field] - (reported.get(kind) ?? 0);
          if (delta > 0) this.inc({ kind }, delta);
          reported.set(kind, c[field]);
        }
      },
    });
  }
  const [major, minor, patch] = process.versions.node.split('.');
  new Gauge({ name: `${PREFIX}nodejs_version_info`, help: 'Node.js version info.', labelNames: ['version', 'major', 'minor', 'patch'], registers: [registry] }).set(
    { version: process.version, major, minor, patch },
    1,
  );
}
