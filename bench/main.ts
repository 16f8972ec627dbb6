/**
 * `npm run bench [-- --quick] [-- --peers roomcast,bare-ws] [-- --big 10000] [-- --only latency]`: roomcast against a bare `ws` broadcast loop and
 * Socket.IO 4, side by side in one run, on loopback only, bounded in count and time. Each peer runs in its own
 * process, compiled to plain JavaScript first (lib/build.ts); two load-generator processes hold raw TCP WebSocket
 * clients. `--only capacity|latency|models|hostile` runs one part (capacity: memory, connects and fan-out; hostile: the
 * server's CPU per frame for the costliest client frames of each dialect, lib/hostile.ts). Prints progress, then a table with
 * ratios; writes bench/results/<time>.json and .svg (and latest.*).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { PeerKind, Reply, Timings } from './loadgen.js';
import { compile } from './lib/build.js';
import { PAUSE_DIR, explain, readPauses, type Pause, type SlowPublish } from './lib/pauses.js';
import { hostile, hostileTable, type HostileResult } from './lib/hostile.js';
import { LoadGen, PublisherProc, cpuDuring, cpuMs, pinned, rssBytes, startPeer } from './lib/proc.js';
import type { Target } from './lib/publisher.js';
import { chart, perPublish, percentile, table, type PeerResult } from './lib/report.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, peers: { type: 'string' }, big: { type: 'string' }, models: { type: 'string' }, only: { type: 'string' } } });
const PARTS = ['capacity', 'latency', 'models', 'hostile'] as const;
if (values.only !== undefined && !(PARTS as readonly string[]).includes(values.only)) {
  process.stderr.write(`--only takes one of ${PARTS.join(', ')}, not ${JSON.stringify(values.only)}\n`);
  process.exit(2);
}
const runs = (part: (typeof PARTS)[number]): boolean => values.only === undefined || values.only === part;
const quick = values.quick === true;
const BIG = values.big !== undefined ? Number(values.big) : quick ? 2000 : 10_000;
const SMALL = 1000;
const SECONDS = quick ? 2 : 8;
// Latency: each peer is offered 50 publishes/s to 100 members (5,000 deliveries/s), well below every peer's
// capacity; with all peers in one stream (latencyAll) the server CPU sees 50 publishes/s per peer in the run.
const LATENCY_MEMBERS = 100;
const LATENCY_RATE = 50;
/** Publishes timed per peer: a p99 is decided by its worst 1% of publishes, so they must be many. */
const LATENCY_PUBLISHES = quick ? 400 : 2000;
/** Publishes per peer before the samples are taken (after SETTLED_MS idle). */
const LATENCY_WARM = quick ? 100 : 300;
/**
 * How long the peers of a latency run stay idle after they start, before the warm-up. V8 runs a "memory reducer"
 * once a process's old generation has grown by 1 MB after start-up (flag gc_memory_reducer_start_delay_ms, 8 s):
 * up to three full, compacting collections, each when a timer finds the process idle (allocating little), 0.5 s
 * apart or 8 s later when it is not. The peer that allocates least, roomcast, was found idle in the middle of the
 * samples: 10–22 ms pauses there for its 9 MB heap (found with BENCH_PAUSES), 13–24 ms quarter p99s against 2–5 ms
 * in the others. Idle from the start, every peer's reducer runs and finishes here, as on a server that was up
 * before its traffic came.
 */
const SETTLED_MS = 11_000;

interface Peer {
  readonly name: string;
  readonly kind: PeerKind;
  readonly script: string;
  readonly rooms: number;
  target(port: number): Target;
}
/** roomcast's trigger body around the data: django-binder's `{"rooms": […], "data": …}`. */
const TRIGGER = { prefix: '{"rooms":[{"bench":"bench"}],"data":', suffix: '}' };
const PEERS: Peer[] = [
  { name: 'roomcast', kind: 'roomcast', script: 'bench/peers/roomcast.ts', rooms: 3, target: (port) => ({ port, path: '/trigger/', ...TRIGGER }) },
  { name: 'bare-ws', kind: 'bare-ws', script: 'bench/peers/bare-ws.ts', rooms: 1, target: (port) => ({ port, path: '/publish', prefix: '', suffix: '' }) },
  { name: 'socket.io', kind: 'socket.io', script: 'bench/peers/socketio.ts', rooms: 3, target: (port) => ({ port, path: '/publish', prefix: '', suffix: '' }) },
  // Issue 4: the same roomcast, publishing on another node through Redis.
  { name: 'roomcast-redis', kind: 'roomcast', script: 'bench/peers/roomcast-redis.ts', rooms: 3, target: (port) => ({ port, path: '/trigger/', ...TRIGGER }) },
];
// --quick (a check after a hot-path change, in about a minute) compares the three peers of the targets only; the
// Redis peer and the models run when named.
const QUICK_PEERS = ['roomcast', 'bare-ws', 'socket.io'];
const chosen = PEERS.filter((p) => (values.peers === undefined ? !quick || QUICK_PEERS.includes(p.name) : values.peers.split(',').includes(p.name)));
// Issue 6: model changes, commit to client, on each store (`--models sqlite`, `--models none`).
const STORES = runs('models') ? (values.models ?? ((values.peers === undefined && !quick) || values.only === 'models' ? 'sqlite,postgres' : 'none')).split(',').filter((m) => m === 'sqlite' || m === 'postgres') : [];
const MODEL_SUBSCRIBERS = Number(process.env.BENCH_MODEL_SUBSCRIBERS ?? 1000);
const MODEL_LATENCY_RATE = 200;
/** Concurrent writers in the sustained scenario (an app serving several requests at once). */
const MODEL_WRITERS = 8;

const MODELS_PEER = 'bench/peers/roomcast-models.ts';
// Issue 13: hostile client frames, in full runs and with --only hostile (not in --quick ones).
const HOSTILE = values.only === 'hostile' || (values.only === undefined && !quick);
const HOSTILE_PEER = 'bench/peers/roomcast-hostile.ts';
/** The size of every hostile and benign frame: within the default 64 KiB limit. */
const HOSTILE_BYTES = 65_000;
const compiled = await compile([...new Set([...chosen.map((p) => p.script), 'bench/peers/roomcast.ts', MODELS_PEER, HOSTILE_PEER, 'bench/loadgen.ts', 'bench/publish.ts'])]);
const built = (script: string): string => compiled.get(script) as string;
const LOADGEN = built('bench/loadgen.ts');
const publisher = (targets: readonly Target[]): PublisherProc => new PublisherProc(built('bench/publish.ts'), targets);

const say = (line: string): void => void process.stderr.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The stub backend every peer asks once per connection. */
async function stubBackend(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"allowed_rooms":[{"bench":"*"}]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** RSS after two full collections, and the JS heap in use (from the peer's own process.memoryUsage()). */
async function gcAndRss(port: number, pid: number): Promise<{ rss: number; heap: number }> {
  await fetch(`http://127.0.0.1:${port}/gc`, { method: 'POST' });
  await sleep(300);
  const usage = (await (await fetch(`http://127.0.0.1:${port}/gc`, { method: 'POST' })).json()) as { heapUsed: number; heapTotal: number; external: number };
  await sleep(200);
  if (process.env.BENCH_DEBUG) say(`  memory: ${JSON.stringify(usage)} rss ${rssBytes(pid)}`);
  return { rss: rssBytes(pid), heap: usage.heapUsed + usage.external };
}

async function connectAll(gens: LoadGen[], peer: Peer, port: number, count: number): Promise<number> {
  const replies = await Promise.all(
    gens.map((g, i) =>
      g.ask<Extract<Reply, { op: 'connected' }>>({ op: 'connect', kind: peer.kind, port, count: Math.ceil(count / gens.length), concurrency: 50, rooms: peer.rooms, localAddress: `127.0.0.${i + 2}` }),
    ),
  );
  const failed = replies.reduce((n, r) => n + r.failed, 0);
  if (failed > 0) throw new Error(`${peer.name}: ${failed} connections failed (${replies.find((r) => r.error)?.error})`);
  return (replies.reduce((n, r) => n + r.ok, 0) / Math.max(...replies.map((r) => r.ms))) * 1000;
}

/**
 * Fan-out throughput: a burst of publishes sent as fast as the peer accepts them, timed from the first publish
 * to the last frame received by the last member. Server-bound by construction (no feedback loop to starve it),
 * and small enough per client (tens of KB) that no peer's queue limit applies.
 */
async function throughput(gens: LoadGen[], pub: PublisherProc, members: number, pids: number[]): Promise<{ rate: number; cpu: number[] }> {
  await Promise.all(gens.map((g) => g.ask({ op: 'reset', latency: false, progressMs: 20 })));
  const delivered = (): number => gens.reduce((n, g) => n + g.received, 0);
  const count = Math.max(20, Math.round(((quick ? 150_000 : 600_000) / members)));
  const warm = Math.max(5, Math.round(count / 10));
  await burst(pub, warm, warm * members, delivered, 30_000);
  await sleep(300);
  const start = delivered();
  const { result, cpu } = await cpuDuring(pids, () => burst(pub, count, start + count * members, delivered, 60_000));
  if (!result.complete) say(`  WARNING: only ${delivered() - start} of ${count * members} frames arrived`);
  await sleep(300);
  return { rate: (delivered() - start) / result.seconds, cpu };
}

/** `count` publishes as fast as the peer takes them; the seconds from the first to `expected` deliveries (or the timeout). */
async function burst(pub: PublisherProc, count: number, expected: number, delivered: () => number, timeoutMs: number): Promise<{ seconds: number; complete: boolean }> {
  const t0 = performance.now();
  await pub.burst(0, count);
  while (delivered() < expected && performance.now() - t0 < timeoutMs) await sleep(5);
  return { seconds: (performance.now() - t0) / 1000, complete: delivered() >= expected };
}

/** p50/p99 of a publish's first arrival and of its spread to the last member (see perPublish). */
function breakdown(t: Timings): string {
  const { first, spread } = perPublish(t.latencies, t.seqs);
  const ms = (a: Float64Array, q: number): string => percentile(a, q).toFixed(2);
  return `first member p50 ${ms(first, 0.5)}, p99 ${ms(first, 0.99)} ms; first to last member p50 ${ms(spread, 0.5)}, p99 ${ms(spread, 0.99)} ms`;
}

/** p99 of the samples of each quarter of the run (by publish, from `first` to `end`), to show how settled the p99 is. */
function byQuarter(t: Timings, first: number, end: number): number[] {
  const quarters: number[][] = [[], [], [], []];
  t.latencies.forEach((l, i) => quarters[Math.min(3, Math.floor((4 * ((t.seqs[i] as number) - first)) / (end - first)))]?.push(l));
  return quarters.map((q) => percentile(Float64Array.from(q).sort(), 0.99));
}

/** Asks each process for the pauses it recorded (lib/pauses.ts): name → pauses. */
async function collectPauses(procs: readonly { name: string; child: ChildProcess }[]): Promise<Map<string, Pause[]>> {
  for (const p of procs) p.child.kill('SIGUSR2');
  await sleep(500);
  return new Map(procs.map((p) => [p.name, readPauses(roleOf(p.name), p.child.pid as number)]));
}
/** The role a process records its pauses under (recordPauses callers): peers by script, generators, publisher. */
function roleOf(name: string): string {
  if (name.startsWith('loadgen')) return 'loadgen';
  if (name === 'publisher') return 'publisher';
  const peer = PEERS.find((p) => p.name === name) as Peer;
  return peer.script.replace(/^.*\//, '').replace(/\.ts$/, '');
}

/** The publishes that had a delivery slower than `above` ms, slowest first. */
function slowest(t: Timings, above: number): SlowPublish[] {
  const by = new Map<number, { seq: number; sent: number; slowest: number }>();
  t.latencies.forEach((l, i) => {
    if (l <= above) return;
    const seq = t.seqs[i] as number;
    const p = by.get(seq);
    if (p === undefined) by.set(seq, { seq, sent: t.sent[i] as number, slowest: l });
    else p.slowest = Math.max(p.slowest, l);
  });
  return [...by.values()].sort((a, b) => b.slowest - a.slowest);
}

/**
 * Latency of every peer in one stream of publishes: all peers run at once, each with LATENCY_MEMBERS clients,
 * and one publisher offers each LATENCY_RATE publishes/s, moving to the next peer with every publish
 * (Publishers.rotate). A pause of the machine then lands on every peer alike: with trials of a second or more per
 * peer, one pause of tens of milliseconds (seen here, from outside the peers) decided which peer had the worse
 * p99, and back-to-back runs moved the ratio between 0.5× and 2×.
 */
interface Started {
  readonly peer: Peer;
  readonly child: ChildProcess;
  readonly port: number;
  readonly publishPort: number;
}
/** Peers of a latency run, started at `at` (performance.now()); see SETTLED_MS. */
interface LatencyPeers {
  readonly at: number;
  readonly running: Promise<Started[]>;
}

function startLatencyPeers(peers: readonly Peer[], backendUrl: string): LatencyPeers {
  const at = performance.now();
  const running = (async () => {
    const out: Started[] = [];
    for (const peer of peers) out.push({ peer, ...(await startPeer(built(peer.script), { BENCH_BOOTSTRAP_URL: backendUrl })) });
    return out;
  })();
  return { at, running };
}

async function latencyAll(peers: LatencyPeers): Promise<Map<string, PeerResult['latency']>> {
  const running: Started[] = [];
  const gens = [new LoadGen(LOADGEN), new LoadGen(LOADGEN)];
  let pub: PublisherProc | undefined;
  try {
    const started = peers.at;
    running.push(...(await peers.running));
    for (const r of running) await connectAll(gens, r.peer, r.port, LATENCY_MEMBERS);
    // No collection is forced here (RSS is measured in capacity, on other processes): a full collection arms V8's
    // memory reducer, which runs another one 8 s later if the process then allocates little (V8 takes it for
    // idle). Forced before the warm-up, that one fell among the samples of the peer allocating least, roomcast:
    // 10–28 ms for its 9 MB heap on this machine (BENCH_PAUSES found it).
    pub = publisher(running.map((r) => r.peer.target(r.publishPort)));
    say(`[latency] ${LATENCY_PUBLISHES} publishes to ${LATENCY_MEMBERS} members of each of ${running.length} peers, ${LATENCY_RATE}/s each, in turn, after ${SETTLED_MS / 1000} s idle and ${LATENCY_WARM} to warm up (${(SETTLED_MS / 1000 + (LATENCY_PUBLISHES + LATENCY_WARM) / LATENCY_RATE).toFixed(0)} s)`);
    await sleep(SETTLED_MS - (performance.now() - started));
    // Warm-up, timed like the real thing so that the generators' timing code is compiled too (samples dropped).
    await Promise.all(gens.map((g) => g.ask({ op: 'reset', latency: true })));
    await pub.rotate(LATENCY_WARM, LATENCY_RATE);
    await sleep(500);
    await Promise.all(gens.map((g) => g.ask({ op: 'reset', latency: true })));
    const before = pub.published;
    const cpuBefore = running.map((r) => cpuMs(r.child.pid as number));
    await pub.rotate(LATENCY_PUBLISHES, LATENCY_RATE);
    const cpuPerPublish = running.map((r, i) => ((cpuMs(r.child.pid as number) - (cpuBefore[i] as number)) * 1000) / LATENCY_PUBLISHES);
    await sleep(300);
    const expected = ((pub.published - before) / running.length) * LATENCY_MEMBERS;
    const stats = await Promise.all(gens.map((g) => g.ask<Extract<Reply, { op: 'stats' }>>({ op: 'stats' })));
    const pauses = PAUSE_DIR === undefined ? undefined : await collectPauses([...running.map((r) => ({ name: r.peer.name, child: r.child })), ...gens.map((g, i) => ({ name: `loadgen ${i + 1}`, child: g.child })), { name: 'publisher', child: pub.child }]);
    const out = new Map<string, PeerResult['latency']>();
    for (const [i, r] of running.entries()) {
      const parts = stats.map((x) => x.byPort[r.port] ?? { latencies: [], seqs: [], sent: [] });
      const timings: Timings = { latencies: parts.flatMap((t) => t.latencies), seqs: parts.flatMap((t) => t.seqs), sent: parts.flatMap((t) => t.sent) };
      const all = Float64Array.from(timings.latencies).sort();
      const quarters = byQuarter(timings, before, pub.published);
      const lat = { p50: percentile(all, 0.5), p99: percentile(all, 0.99), max: all[all.length - 1] ?? NaN, delivered: all.length, expected, p99ByQuarter: quarters };
      say(`[${r.peer.name}] latency: p50 ${lat.p50.toFixed(2)} ms, p99 ${lat.p99.toFixed(2)} ms, max ${lat.max.toFixed(2)} ms (${lat.delivered}/${lat.expected}); p99 by quarter of the run ${quarters.map((q) => q.toFixed(2)).join(' / ')} ms`);
      say(`[${r.peer.name}]   ${breakdown(timings)}; CPU ${(cpuPerPublish[i] as number).toFixed(0)} µs per publish`);
      out.set(r.peer.name, lat);
      if (pauses !== undefined) {
        const slow = slowest(timings, lat.p99);
        for (const line of explain(r.peer.name, slow, pauses)) say(line);
        writeFileSync(`${PAUSE_DIR}/slowest-${r.peer.name}.json`, JSON.stringify(slow));
      }
    }
    return out;
  } finally {
    pub?.stop();
    gens.forEach((g) => g.stop());
    for (const r of running) r.child.kill('SIGTERM');
    await sleep(1000);
    for (const r of running) r.child.kill('SIGKILL');
  }
}

/**
 * Latency of the chosen peers: all in one stream, but the Redis peer in a stream of its own beside a roomcast on
 * the memory layer. It runs two nodes and Redis itself, whose work on the shared CPU raised every other peer's
 * tail when they shared a stream (p99s of 15-80 ms instead of 8-11).
 */
async function latencyOfAll(together: LatencyPeers | undefined, backendUrl: string): Promise<Map<string, PeerResult['latency']>> {
  const out = together !== undefined ? await latencyAll(together) : new Map<string, PeerResult['latency']>();
  const memory = PEERS.find((p) => p.name === 'roomcast') as Peer;
  for (const peer of APART) {
    const pair = await latencyAll(startLatencyPeers([memory, peer], backendUrl));
    const reference = pair.get(memory.name);
    out.set(peer.name, { ...(pair.get(peer.name) as PeerResult['latency']), ...(reference ? { reference } : {}) });
  }
  return out;
}

/** A peer's capacity figures when `--only` skipped them. */
const notMeasured = (name: string): Omit<PeerResult, 'latency'> => ({ name, connectsPerSecond: NaN, rssPerConnection: NaN, heapPerConnection: NaN, fanout: {}, cpu: [], publishFailures: 0 });
const NOT_TIMED: PeerResult['latency'] = { p50: NaN, p99: NaN, max: NaN, delivered: 0, expected: 0 };

async function runPeer(peer: Peer, backendUrl: string): Promise<Omit<PeerResult, 'latency'>> {
  say(`[${peer.name}] starting`);
  const { child, port, publishPort } = await startPeer(built(peer.script), { BENCH_BOOTSTRAP_URL: backendUrl });
  const pid = child.pid as number;
  const gens = [new LoadGen(LOADGEN), new LoadGen(LOADGEN)];
  const pub = publisher([peer.target(publishPort)]);
  try {
    await connectAll(gens, peer, port, 20); // warm the code paths
    await Promise.all(gens.map((g) => g.ask({ op: 'close' })));
    // RSS is read before and after the connections, each time after the same quiet period (V8's memory
    // reducer shrinks the heap in ~8 s steps once allocation stops) and two full collections. Peers run with
    // a pinned young generation (lib/proc.ts), so the difference is the connections, not GC sizing.
    const idleMs = Number(process.env.BENCH_IDLE_MS ?? (quick ? 2000 : 20_000));
    await sleep(idleMs);
    const rss0 = await gcAndRss(port, pid);
    say(`[${peer.name}] connecting ${BIG} clients (bootstrap round-trip each, ${peer.rooms} room(s) each)`);
    const connects = await connectAll(gens, peer, port, BIG);
    await sleep(idleMs);
    const rss1 = await gcAndRss(port, pid);
    const rssPerConn = (rss1.rss - rss0.rss) / BIG;
    const heapPerConn = (rss1.heap - rss0.heap) / BIG;
    say(`[${peer.name}] ${connects.toFixed(0)} connects/s; ${(rssPerConn / 1024).toFixed(2)} KiB RSS per idle connection (JS heap + external: ${(heapPerConn / 1024).toFixed(2)} KiB)`);
    const pids = [pid, ...gens.map((g) => g.child.pid as number)];
    const big = await throughput(gens, pub, BIG, pids);
    say(`[${peer.name}] fan-out to ${BIG}: ${big.rate.toFixed(0)} deliveries/s (CPU: server ${big.cpu[0]?.toFixed(0)}%, generators ${big.cpu.slice(1).map((c) => `${c.toFixed(0)}%`).join(' + ')})`);
    await Promise.all(gens.map((g) => g.ask({ op: 'close' })));
    await sleep(500);
    await connectAll(gens, peer, port, SMALL);
    const small = await throughput(gens, pub, SMALL, pids);
    say(`[${peer.name}] fan-out to ${SMALL}: ${small.rate.toFixed(0)} deliveries/s`);
    return { name: peer.name, connectsPerSecond: connects, rssPerConnection: rssPerConn, heapPerConnection: heapPerConn, fanout: { [BIG]: big.rate, [SMALL]: small.rate }, cpu: big.cpu, publishFailures: pub.failures };
  } finally {
    pub.stop();
    gens.forEach((g) => g.stop());
    // A graceful stop first, so a peer run with --cpu-prof writes its profile.
    child.kill('SIGTERM');
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(5000)]);
    child.kill('SIGKILL');
    await sleep(300);
  }
}

interface ModelResult {
  readonly store: string;
  readonly subscribers: number;
  /** Committed changes per second (MODEL_WRITERS writers at once), each delivered to every subscriber. */
  readonly changesPerSecond: number;
  readonly deliveriesPerSecond: number;
  readonly latency: PeerResult['latency'];
}

async function postWrites(port: number, body: object): Promise<{ writes: number; seconds: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/writes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as { writes: number; seconds: number };
}

async function runModels(store: string, backendUrl: string): Promise<ModelResult> {
  const name = `models-${store}`;
  say(`[${name}] starting: ${MODEL_SUBSCRIBERS} subscribers of one model's room`);
  const { child, port } = await startPeer(built(MODELS_PEER), { BENCH_BOOTSTRAP_URL: backendUrl, BENCH_STORE: store });
  const gens = [new LoadGen(LOADGEN), new LoadGen(LOADGEN)];
  try {
    await connectAll(gens, { name, kind: 'roomcast', script: '', rooms: 1, target: () => ({ port, path: '', prefix: '', suffix: '' }) }, port, MODEL_SUBSCRIBERS);
    const delivered = (): number => gens.reduce((n, g) => n + g.received, 0);
    await Promise.all(gens.map((g) => g.ask({ op: 'reset', latency: false, progressMs: 20 })));
    await postWrites(port, { count: 200 }); // warm-up
    await sleep(500);
    await Promise.all(gens.map((g) => g.ask({ op: 'reset', latency: false, progressMs: 20 })));
    const t0 = performance.now();
    const { writes } = await postWrites(port, { count: quick ? 2000 : 10_000, concurrency: MODEL_WRITERS });
    const deadline = Date.now() + 30_000;
    while (delivered() < writes * MODEL_SUBSCRIBERS && Date.now() < deadline) await sleep(5);
    const seconds = (performance.now() - t0) / 1000;
    if (delivered() < writes * MODEL_SUBSCRIBERS) say(`  WARNING: ${delivered()} of ${writes * MODEL_SUBSCRIBERS} change frames arrived`);
    const changesPerSecond = writes / seconds;
    say(`[${name}] sustained (${MODEL_WRITERS} writers): ${changesPerSecond.toFixed(0)} committed changes/s, each to ${MODEL_SUBSCRIBERS} subscribers (${(delivered() / seconds).toFixed(0)} deliveries/s)`);
    await sleep(500);
    await Promise.all(gens.map((g) => g.ask({ op: 'reset', latency: true })));
    const { writes: timed } = await postWrites(port, { seconds: SECONDS, perSecond: MODEL_LATENCY_RATE });
    await sleep(500);
    const stats = await Promise.all(gens.map((g) => g.ask<Extract<Reply, { op: 'stats' }>>({ op: 'stats' })));
    const all = Float64Array.from(stats.flatMap((x) => x.byPort[port]?.latencies ?? [])).sort();
    const latency = { p50: percentile(all, 0.5), p99: percentile(all, 0.99), max: all[all.length - 1] ?? NaN, delivered: all.length, expected: timed * MODEL_SUBSCRIBERS };
    say(`[${name}] commit-to-client at ${MODEL_LATENCY_RATE} changes/s: p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, max ${latency.max.toFixed(2)} ms (${latency.delivered}/${latency.expected})`);
    return { store, subscribers: MODEL_SUBSCRIBERS, changesPerSecond, deliveriesPerSecond: changesPerSecond * MODEL_SUBSCRIBERS, latency };
  } finally {
    gens.forEach((g) => g.stop());
    child.kill('SIGTERM');
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(5000)]);
    child.kill('SIGKILL');
    await sleep(300);
  }
}

/** The hostile scenario on a server of its own (a default server with all three dialects). */
async function runHostile(): Promise<HostileResult[]> {
  say(`[hostile] ${HOSTILE_BYTES}-byte frames: the server's CPU per frame, each dialect's costliest frames against a benign one`);
  const { child, port } = await startPeer(built(HOSTILE_PEER), {});
  try {
    return await hostile(port, child.pid as number, HOSTILE_BYTES, say);
  } finally {
    child.kill('SIGTERM');
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(5000)]);
    child.kill('SIGKILL');
  }
}

const backend = await stubBackend();
const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/api/bootstrap/`;
say(`roomcast benchmark${quick ? ' (quick)' : ''}: ${BIG} and ${SMALL} connections, loopback only`);
say(pinned ? 'server under test pinned to CPU 0; load generators and publisher to CPU 1' : 'WARNING: taskset unavailable: processes share all CPUs');
const measured = new Map<string, Omit<PeerResult, 'latency'>>();
// The latency run's peers start now, so that they have idled past V8's start-up memory reducer (SETTLED_MS) by
// the time the capacity part is done: idle, they cost the capacity peers next to nothing (0.2–2 ms of CPU per
// second), and a run takes 11 s less. The Redis peer's stream starts its own pair later.
const APART = chosen.filter((p) => p.name === 'roomcast-redis');
const TOGETHER = chosen.filter((p) => !APART.includes(p));
const together = runs('latency') && TOGETHER.length > 0 ? startLatencyPeers(TOGETHER, backendUrl) : undefined;
if (runs('capacity')) for (const peer of chosen) measured.set(peer.name, await runPeer(peer, backendUrl));
const latencies = runs('latency') ? await latencyOfAll(together, backendUrl) : new Map<string, PeerResult['latency']>();
const results: PeerResult[] = measured.size + latencies.size === 0 ? [] : chosen.map((p) => ({ ...(measured.get(p.name) ?? notMeasured(p.name)), latency: latencies.get(p.name) ?? NOT_TIMED }));
const modelResults: ModelResult[] = [];
for (const store of STORES) modelResults.push(await runModels(store, backendUrl));
backend.close();
const hostileResults = HOSTILE ? await runHostile() : [];

const meta = { date: new Date().toISOString(), quick, pinned, big: BIG, small: SMALL, seconds: SECONDS, latencyRate: LATENCY_RATE * LATENCY_MEMBERS, latencyPublishes: LATENCY_PUBLISHES, node: process.version, cpus: (await import('node:os')).cpus().length };
if (results.length > 0) process.stdout.write(`${table(results, meta)}\n`);
for (const m of modelResults) {
  process.stdout.write(
    `models on ${m.store}, ${m.subscribers} subscribers: ${m.changesPerSecond.toFixed(0)} changes/s sustained (${m.deliveriesPerSecond.toFixed(0)} deliveries/s); ` +
      `commit-to-client p50 ${m.latency.p50.toFixed(2)} ms, p99 ${m.latency.p99.toFixed(2)} ms at ${MODEL_LATENCY_RATE} changes/s\n`,
  );
}
if (hostileResults.length > 0) process.stdout.write(`${hostileTable(hostileResults)}\n`);
const dir = new URL('./results/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const stamp = meta.date.replace(/[:.]/g, '-');
const json = JSON.stringify({ meta, results, models: modelResults, hostile: hostileResults }, null, 2);
const svg = chart(results, meta);
for (const name of [stamp, 'latest']) {
  writeFileSync(`${dir}${name}.json`, json);
  writeFileSync(`${dir}${name}.svg`, svg);
}
say(`wrote bench/results/${stamp}.json and .svg (and latest.*)`);
