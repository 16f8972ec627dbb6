/**
 * Three roomcast processes sharing the local Redis: a trigger on any node reaches templar subscribers on every
 * node exactly once; a node subscribes to a room's channel only while it has a member there; delivery comes back
 * by itself after Redis drops every connection; a SIGKILLed node does not disturb the others.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { listening, run, stop, type Proc } from '../helpers/cli.js';
import { connect, type TestClient } from '../helpers/client.js';
import { REDIS_URL, redisSkip } from '../helpers/redis.js';
import { eventually, trigger } from '../helpers/server.js';

const skip = await redisSkip();
const prefix = `roomcast-it-${randomUUID()}:`;
const nodes: { proc: Proc; url: string }[] = [];
/** Every process started, listening or not, so `after` stops them all, however `before` or a test ended. */
const procs: Proc[] = [];
const clients: TestClient[] = [];
let admin: Redis;

async function startNode(): Promise<{ proc: Proc; url: string }> {
  const proc = run([
    'serve', '--port', '0', '--allow-anonymous', '--anonymous-room', '{"room":"*"}', '--trigger-allow-loopback',
    '--layer', 'redis', '--redis-url', REDIS_URL, '--redis-prefix', prefix, '--log-level', 'info',
  ]);
  procs.push(proc);
  const node = { proc, url: await listening(proc) };
  nodes.push(node);
  return node;
}
async function client(url: string, room: string, requestId: string): Promise<TestClient> {
  const c = await connect(`${url.replace('http', 'ws')}/ws/`);
  clients.push(c);
  await c.next();
  assert.deepEqual(await c.ask({ type: 'subscribe', room: { room }, requestId }), { code: 'success' });
  return c;
}
const nth = (i: number): { proc: Proc; url: string } => {
  const n = nodes[i];
  if (n === undefined) throw new Error(`node ${i} not started`);
  return n;
};
const subscribers = async (channel: string): Promise<number> => {
  const reply = (await admin.pubsub('NUMSUB', channel)) as [string, number];
  return Number(reply[1]);
};
const channelOf = (room: string): string => `${prefix}g:room:{"room":${JSON.stringify(room)}}`;

before(async () => {
  if (skip !== false) return;
  admin = new Redis(REDIS_URL);
  await Promise.all([startNode(), startNode(), startNode()]);
});
after(async () => {
  if (skip !== false) return;
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  await Promise.all(procs.map((p) => stop(p)));
  admin?.disconnect();
});

test('a trigger on any node reaches subscribers on every node exactly once', { skip }, async () => {
  const [a, b, c] = [nth(0), nth(1), nth(2)];
  const ca = await client(a.url, 'shared', 'ra');
  const cb = await client(b.url, 'shared', 'rb');
  const cc = await client(c.url, 'shared', 'rc');
  await eventually(async () => assert.equal(await subscribers(channelOf('shared')), 3));
  for (const from of [a, b, c]) {
    assert.equal((await trigger(from.url, { rooms: [{ room: 'shared' }], data: from.url })).status, 200);
    assert.deepEqual(await ca.next(), { type: 'publish', data: from.url, requestId: 'ra' });
    assert.deepEqual(await cb.next(), { type: 'publish', data: from.url, requestId: 'rb' });
    assert.deepEqual(await cc.next(), { type: 'publish', data: from.url, requestId: 'rc' });
  }
  await Promise.all([ca.silence(300), cb.silence(300), cc.silence(300)]);
});

test('a room with members on one node costs the others nothing', { skip }, async () => {
  const [a, b] = [nth(0), nth(1)];
  const only = await client(a.url, 'lonely', 'r');
  await eventually(async () => assert.equal(await subscribers(channelOf('lonely')), 1));
  assert.equal((await trigger(b.url, { rooms: [{ room: 'lonely' }], data: 1 })).status, 200);
  assert.deepEqual(await only.next(), { type: 'publish', data: 1, requestId: 'r' });
  await only.ask({ type: 'unsubscribe', requestId: 'r' });
  await eventually(async () => assert.equal(await subscribers(channelOf('lonely')), 0));
});

test('after Redis drops every connection, delivery across nodes resumes by itself, without duplicates', { skip }, async () => {
  const [a, b] = [nth(0), nth(1)];
  const ca = await client(a.url, 'resilient', 'ra');
  await eventually(async () => assert.equal(await subscribers(channelOf('resilient')), 1));
  await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
  await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
  await eventually(async () => {
    const res = await fetch(`${b.url}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(await subscribers(channelOf('resilient')), 1);
  }, 10_000);
  // Local delivery never stopped; cross-node delivery is back, exactly once.
  await eventually(async () => {
    assert.equal((await trigger(b.url, { rooms: [{ room: 'resilient' }], data: 'after' })).status, 200);
    assert.deepEqual(await ca.next(500), { type: 'publish', data: 'after', requestId: 'ra' });
  }, 10_000);
  await ca.silence(300);
});

test('a SIGKILLed node leaves nothing that breaks the others', { skip }, async () => {
  const victim = await startNode();
  const [a, b] = [nth(0), nth(1)];
  await client(victim.url, 'after-kill', 'v');
  const cb = await client(b.url, 'after-kill', 'rb');
  await eventually(async () => assert.equal(await subscribers(channelOf('after-kill')), 2));
  victim.proc.child.kill('SIGKILL');
  await victim.proc.exit;
  await eventually(async () => assert.equal(await subscribers(channelOf('after-kill')), 1));
  assert.equal((await trigger(a.url, { rooms: [{ room: 'after-kill' }], data: 'still' })).status, 200);
  assert.deepEqual(await cb.next(), { type: 'publish', data: 'still', requestId: 'rb' });
});
