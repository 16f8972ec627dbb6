/**
 * A Redis that goes away and comes back (`SHUTDOWN NOSAVE`, then started again on the same port): local
 * delivery never stops, publishes meant for other nodes fail loudly (metrics, health) and are lost, and once
 * Redis is back every node subscribes again by itself — no crash, no duplicates. Uses a private redis-server on
 * its own port, so the shared one is never touched.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import { createRedisLayer } from '../../src/layers/redis.js';
import { connect, type TestClient } from '../helpers/client.js';
import { eventually, skipUnlessRequired, start, trigger, type Running } from '../helpers/server.js';

/** A synchronous command blocks this process's timers: it gets 10 s, then is killed. */
const BOUNDED = { timeout: 10_000, killSignal: 'SIGKILL' } as const;
const hasRedis = spawnSync('redis-server', ['--version'], BOUNDED).status === 0;
const skip = hasRedis ? false : skipUnlessRequired('redis-server', 'not installed');
let port = 0;
let a: Running;
let b: Running;
let onA: TestClient;

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}
/** The private redis-servers still running: killed when this process exits, whatever ended it. */
const redises = new Set<ChildProcess>();
process.on('exit', () => {
  for (const r of redises) r.kill('SIGKILL');
});
async function startRedis(): Promise<void> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  redises.add(child);
  child.on('exit', () => redises.delete(child));
  child.unref(); // a running redis-server does not keep this process alive; the exit hook stops it
  await eventually(() => assert.equal(spawnSync('redis-cli', ['-p', String(port), 'ping'], BOUNDED).stdout.toString().trim(), 'PONG'), 15_000);
}
function stopRedis(): void {
  spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], BOUNDED);
}
const healthOf = async (rc: Running): Promise<{ status: number; body: { layer: { ok: boolean; detail: string } } }> => {
  const res = await fetch(`${rc.url}/healthz`);
  return { status: res.status, body: (await res.json()) as { layer: { ok: boolean; detail: string } } };
};
const metric = async (rc: Running, name: string): Promise<number> => {
  const text = await (await fetch(`${rc.url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
};

before(async () => {
  if (skip !== false) return;
  port = await freePort();
  await startRedis();
  const prefix = `restart-${randomUUID()}:`;
  const options = { auth: createAnonymousAuth([{ room: '*' }]), trigger: { allowLoopback: true } };
  a = await start({ ...options, layer: createRedisLayer({ url: `redis://127.0.0.1:${port}`, prefix }) });
  b = await start({ ...options, layer: createRedisLayer({ url: `redis://127.0.0.1:${port}`, prefix }) });
  onA = await connect(a.wsUrl);
  await onA.next();
  await onA.ask({ type: 'subscribe', room: { room: 'r' }, requestId: 'x' });
});
after(async () => {
  if (skip !== false) return;
  try {
    await onA?.close();
    await Promise.all([a?.close(), b?.close()]);
  } finally {
    stopRedis();
  }
});

test('Redis goes away: local delivery goes on, cross-node publishes fail loudly; back: delivery resumes exactly once', { skip }, async () => {
  await eventually(async () => {
    assert.equal((await trigger(b.url, { rooms: [{ room: 'r' }], data: 'before' })).status, 200);
    assert.deepEqual(await onA.next(300), { type: 'publish', data: 'before', requestId: 'x' });
  }, 5000);

  stopRedis();
  await eventually(async () => {
    const h = await healthOf(b);
    assert.equal(h.status, 503);
    assert.equal(h.body.layer.ok, false);
    assert.match(h.body.layer.detail, /^redis at redis:\/\/127\.0\.0\.1:\d+ is not ready \((both connections|publishing connection) \w+/);
  }, 5000);
  // Local delivery on A does not depend on Redis.
  assert.equal((await trigger(a.url, { rooms: [{ room: 'r' }], data: 'local' })).status, 200);
  assert.deepEqual(await onA.next(), { type: 'publish', data: 'local', requestId: 'x' });
  // From B it is lost (at most once), and counted.
  const errorsBefore = await metric(b, 'roomcast_layer_publish_errors_total');
  assert.equal((await trigger(b.url, { rooms: [{ room: 'r' }], data: 'lost' })).status, 200);
  await eventually(async () => assert.ok((await metric(b, 'roomcast_layer_publish_errors_total')) > errorsBefore));
  await onA.silence(300);

  await startRedis();
  await eventually(async () => {
    assert.equal((await healthOf(a)).status, 200);
    assert.equal((await healthOf(b)).status, 200);
  }, 10_000);
  await eventually(async () => {
    assert.equal((await trigger(b.url, { rooms: [{ room: 'r' }], data: 'after' })).status, 200);
    assert.deepEqual(await onA.next(500), { type: 'publish', data: 'after', requestId: 'x' });
  }, 10_000);
  await onA.silence(300);
});

test('a node started while Redis is down serves local clients, and joins the others once Redis is up', { skip }, async () => {
  const savedPort = port;
  port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const prefix = `late-${randomUUID()}:`;
  const options = { auth: createAnonymousAuth([{ room: '*' }]), trigger: { allowLoopback: true } };
  const early = await start({ ...options, layer: createRedisLayer({ url, prefix }) });
  try {
    assert.equal((await healthOf(early)).status, 503);
    const c = await connect(early.wsUrl);
    await c.next();
    await c.ask({ type: 'subscribe', room: { room: 'late' }, requestId: 'l' });
    assert.equal((await trigger(early.url, { rooms: [{ room: 'late' }], data: 'local' })).status, 200);
    assert.deepEqual(await c.next(), { type: 'publish', data: 'local', requestId: 'l' });
    await startRedis();
    const other = await start({ ...options, layer: createRedisLayer({ url, prefix }) });
    try {
      await eventually(async () => assert.equal((await healthOf(early)).status, 200), 10_000);
      await eventually(async () => {
        assert.equal((await trigger(other.url, { rooms: [{ room: 'late' }], data: 'joined' })).status, 200);
        assert.deepEqual(await c.next(500), { type: 'publish', data: 'joined', requestId: 'l' });
      }, 10_000);
      await c.close();
    } finally {
      await other.close();
    }
  } finally {
    await early.close();
    stopRedis();
    port = savedPort;
  }
});
