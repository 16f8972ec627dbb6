/**
 * `npm run bench [-- --quick] [-- --peers roomcast,bare-ws] [-- --big 10000]`: roomcast against a bare `ws` broadcast loop and
 * Socket.IO 4, side by side in one run, on loopback only, bounded in count and time. Each peer runs in its own
 * process; two load-generator processes hold raw TCP WebSocket clients. Prints progress, then a table with
 * ratios; writes bench/results/<time>.json and .svg (and latest.*).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { PeerKind, Reply } from './loadgen.js';
import { LoadGen, cpuDuring, pinned, rssBytes, startPeer } from './lib/proc.js';
import { Publisher, type Target } from './lib/publisher.js';
import { chart, percentile, table, type PeerResult } from './lib/report.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, peers: { type: 'string' }, big: { type: 'string' }, models: { type: 'string' } } });
const quick = values.quick === true;
const BIG = values.big !== undefined ? Number(values.big) : quick ? 2000 : 10_000;
const SMALL = 1000;
const SECONDS = quick ? 2 : 8;
// Latency: 20,000 deliveries/s, well below every peer's capacity, offered as 200 publishes/s to 100 members, so a
// generator's per-publish work (reading every member's socket) stays small next to the server's.
const LATENCY_MEMBERS = 100;
const LATENCY_RATE = 200;
/** Interleaved latency rounds; each peer gets SECONDS of publishing in all. */
const LATENCY_ROUNDS = quick ? 2 : 4;

interface Peer {
  readonly name: string;
  readonly kind: PeerKind;
  readonly script: string;
  readonly rooms: number;
  target(port: number): Target;
}
const PEERS: Peer[] = [
  { name: 'roomcast', kind: 'roomcast', script: 'bench/peers/roomcast.ts', rooms: 3, target: (port) => ({ port, path: '/trigger/', wrap: (d) => `{"rooms":[{"bench":"bench"}],"data":${d}}` }) },
  { name: 'bare-ws', kind: 'bare-ws', script: 'bench/peers/bare-ws.ts', rooms: 1, target: (port) => ({ port, path: '/publish', wrap: (d) => d }) },
  { name: 'socket.io', kind: 'socket.io', script: 'bench/peers/socketio.ts', rooms: 3, target: (port) => ({ port, path: '/publish', wrap: (d) => d }) },
  // Issue 4: the same roomcast, publishing on another node through Redis.
  { name: 'roomcast-redis', kind: 'roomcast', script: 'bench/peers/roomcast-redis.ts', rooms: 3, target: (port) => ({ port, path: '/trigger/', wrap: (d) => `{"rooms":[{"bench":"bench"}],"data":${d}}` }) },
];
const chosen = values.peers === undefined ? PEERS : PEERS.filter((p) => values.peers?.split(',').includes(p.name));
// Issue 6: model changes, commit to client, on each store (`--models sqlite`, `--models none`).
const STORES = (values.models ?? (values.peers === undefined ? 'sqlite,postgres' : 'none')).split(',').filter((m) => m === 'sqlite' || m === 'postgres');
const MODEL_SUBSCRIBERS = Number(process.env.BENCH_MODEL_SUBSCRIBERS ?? 1000);
const MODEL_LATENCY_RATE = 200;
/** Concurrent writers in the sustained scenario (an app serving several requests at once). */
const MODEL_WRITERS = 8;

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
async function throughput(gens: LoadGen[], pub: Publisher, members: number, pids: number[]): Promise<{ rate: number; cpu: number[] }> {
  await Promise.all(gens.map((g) => g.ask({ op: 'reset', latency: false, progressMs: 20 })));
  const delivered = (): number => gens.reduce((n, g) => n + g.received, 0);
  const count = Math.max(20, Math.round(((quick ? 150_000 : 600_000) / members)));
  await pub.burst(Math.max(5, Math.round(count / 10)), Math.max(5, Math.round(count / 10)) * members, delivered, 30_000); // warm-up
  await sleep(300);
  const start = delivered();
  const { result, cpu } = await cpuDuring(pids, () => pub.burst(count, start + count * members, delivered, 60_000));
  if (!result.complete) say(`  WARNING: only ${delivered() - start} of ${count * members} frames arrived`);
  await sleep(300);
  return { rate: (delivered() - start) / result.seconds, cpu };
}

/** One latency trial: `ms` of publishes at LATENCY_RATE; the publish→receive times and how many were due. */
async function trial(gens: LoadGen[], pub: Publisher, ms: number): Promise<{ latencies: number[]; expected: number }> {
  await Promise.all(gens.map((g) => g.ask({ op: 'reset', latency: true })));
  const before = pub.published;
  await pub.fixedRate(ms, LATENCY_RATE);
  await sleep(300);
  const stats = await Promise.all(gens.map((g) => g.ask<Extract<Reply, { op: 'stats' }>>({ op: 'stats' })));
  return { latencies: stats.flatMap((x) => x.latencies), expected: (pub.published - before) * LATENCY_MEMBERS };
}

/**
 * Latency of every peer, measured in interleaved rounds: all peers run at once (idle ones cost nothing), each
 * with LATENCY_MEMBERS clients, and each round gives every peer one trial, in a rotating order. Anything else
 * the machine does during the run then lands on all peers alike instead of on whichever ran at that moment
 * (single back-to-back runs moved the p99 ratio between 0.2× and 2×).
 */
async function latencyRounds(peers: readonly Peer[], backendUrl: string): Promise<Map<string, PeerResult['latency']>> {
  const running: { peer: Peer; child: ChildProcess; port: number; pub: Publisher; latencies: number[]; expected: number }[] = [];
  const gens = [new LoadGen(), new LoadGen()];
  try {
    for (const peer of peers) {
      const { child, port, publishPort } = await startPeer(peer.script, { BENCH_BOOTSTRAP_URL: backendUrl });
      running.push({ peer, child, port, pub: new Publisher(peer.target(publishPort)), latencies: [], expected: 0 });
    }
    for (const r of running) await connectAll(gens, r.peer, r.port, LATENCY_MEMBERS);
    for (const r of running) await trial(gens, r.pub, 1000); // warm the code paths
    for (const r of running) await gcAndRss(r.port, r.child.pid as number);
    await sleep(500);
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      for (let i = 0; i < running.length; i++) {
        const r = running[(round + i) % running.length] as (typeof running)[number];
        const t = await trial(gens, r.pub, (SECONDS * 1000) / LATENCY_ROUNDS);
        r.latencies.push(...t.latencies);
        r.expected += t.expected;
      }
      say(`[latency] round ${round + 1} of ${LATENCY_ROUNDS} done`);
    }
    const out = new Map<string, PeerResult['latency']>();
    for (const r of running) {
      const all = Float64Array.from(r.latencies).sort();
      const lat = { p50: percentile(all, 0.5), p99: percentile(all, 0.99), max: all[all.length - 1] ?? NaN, delivered: all.length, expected: r.expected };
      say(`[${r.peer.name}] latency at ${LATENCY_RATE} publishes/s to ${LATENCY_MEMBERS} members: p50 ${lat.p50.toFixed(2)} ms, p99 ${lat.p99.toFixed(2)} ms, max ${lat.max.toFixed(2)} ms (${lat.delivered}/${lat.expected})`);
      out.set(r.peer.name, lat);
    }
    return out;
  } finally {
    gens.forEach((g) => g.stop());
    for (const r of running) {
      r.pub.close();
      r.child.kill('SIGTERM');
    }
    await sleep(1000);
    for (const r of running) r.child.kill('SIGKILL');
  }
}

async function runPeer(peer: Peer, backendUrl: string): Promise<Omit<PeerResult, 'latency'>> {
  say(`[${peer.name}] starting`);
  const { child, port, publishPort } = await startPeer(peer.script, { BENCH_BOOTSTRAP_URL: backendUrl });
  const pid = child.pid as number;
  const gens = [new LoadGen(), new LoadGen()];
  const pub = new Publisher(peer.target(publishPort));
  try {
    await connectAll(gens, peer, port, 20); // warm the code paths
    await Promise.all(gens.map((g) => g.ask({ op: 'close' })));
    // RSS is read before and after the connections, each time after the same quiet period (V8's memory
    // reducer shrinks the heap in ~8 s steps once allocation stops) and two full collections. Peers run with
    // a pinned young generation (lib/proc.ts), so the difference is the connections, not GC sizing.
    const idleMs = Number(process.env.BENCH_IDLE_MS ?? (quick ? 3000 : 20_000));
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
    pub.close();
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
  const { child, port } = await startPeer('bench/peers/roomcast-models.ts', { BENCH_BOOTSTRAP_URL: backendUrl, BENCH_STORE: store });
  const gens = [new LoadGen(), new LoadGen()];
  try {
    await connectAll(gens, { name, kind: 'roomcast', script: '', rooms: 1, target: () => ({ port, path: '', wrap: (d) => d }) }, port, MODEL_SUBSCRIBERS);
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
    const all = Float64Array.from(stats.flatMap((x) => x.latencies)).sort();
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

const backend = await stubBackend();
const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/api/bootstrap/`;
say(`roomcast benchmark${quick ? ' (quick)' : ''}: ${BIG} and ${SMALL} connections, loopback only`);
say(pinned ? 'server under test pinned to CPU 0; load generators and publisher to CPU 1' : 'WARNING: taskset unavailable: processes share all CPUs');
const measured: Omit<PeerResult, 'latency'>[] = [];
for (const peer of chosen) measured.push(await runPeer(peer, backendUrl));
const latencies = chosen.length > 0 ? await latencyRounds(chosen, backendUrl) : new Map<string, PeerResult['latency']>();
const results: PeerResult[] = measured.map((m) => ({ ...m, latency: latencies.get(m.name) as PeerResult['latency'] }));
const modelResults: ModelResult[] = [];
for (const store of STORES) modelResults.push(await runModels(store, backendUrl));
backend.close();

const meta = { date: new Date().toISOString(), quick, pinned, big: BIG, small: SMALL, seconds: SECONDS, latencyRate: LATENCY_RATE * LATENCY_MEMBERS, latencyRounds: LATENCY_ROUNDS, node: process.version, cpus: (await import('node:os')).cpus().length };
if (results.length > 0) process.stdout.write(`${table(results, meta)}\n`);
for (const m of modelResults) {
  process.stdout.write(
    `models on ${m.store}, ${m.subscribers} subscribers: ${m.changesPerSecond.toFixed(0)} changes/s sustained (${m.deliveriesPerSecond.toFixed(0)} deliveries/s); ` +
      `commit-to-client p50 ${m.latency.p50.toFixed(2)} ms, p99 ${m.latency.p99.toFixed(2)} ms at ${MODEL_LATENCY_RATE} changes/s\n`,
  );
}
const dir = new URL('./results/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const stamp = meta.date.replace(/[:.]/g, '-');
const json = JSON.stringify({ meta, results, models: modelResults }, null, 2);
const svg = chart(results, meta);
for (const name of [stamp, 'latest']) {
  writeFileSync(`${dir}${name}.json`, json);
  writeFileSync(`${dir}${name}.svg`, svg);
}
say(`wrote bench/results/${stamp}.json and .svg (and latest.*)`);
