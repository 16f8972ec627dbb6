/**
 * The rohrpost dialect on a live server: every error string, ping, handlers that succeed or throw, subscribe
 * with permissions from the allowed rooms, group pushes across nodes (memory bus and Redis), cleanup on close.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import { createMemoryBus, createMemoryLayer } from '../../src/layers/memory.js';
import { createRedisLayer } from '../../src/layers/redis.js';
import type { Layer } from '../../src/layers/layer.js';
import { connect, type TestClient } from '../helpers/client.js';
import { REDIS_URL, redisSkip } from '../helpers/redis.js';
import { eventually, start, type Running } from '../helpers/server.js';

const auth = createAnonymousAuth([{ type: 'collection', id: '*' }]);
let rc: Running;
const url = (r: Running): string => `ws://127.0.0.1:${r.port}/ws/rohrpost/`;

before(async () => {
  rc = await start({ auth });
  rc.server.handle('echo', (ctx, request) => ctx.reply(request.data));
  rc.server.handle('slow', async (ctx) => {
    await new Promise((r) => setTimeout(r, 50));
    ctx.reply({ slow: true });
  });
  rc.server.handle('boom', () => {
    throw new Error('secret detail');
  });
  rc.server.handle('refuse', (ctx) => ctx.error('NOPE', { why: 'because' }));
});
after(() => rc.close());

test('error strings for frames that never reach a handler', async () => {
  const c = await connect(url(rc));
  assert.deepEqual(await c.ask('geen json'), { error: 'Could not decode JSON message. Error: Expecting value: line 1 column 1 (char 0)' });
  assert.deepEqual(await c.ask([]), { error: 'Expected a JSON object as message.' });
  assert.deepEqual(await c.ask({ id: 1 }), { error: "Missing required field 'type'." });
  assert.deepEqual(await c.ask({ type: 'echo' }), { error: "Missing required field 'id'." });
  assert.deepEqual(await c.ask({ type: 'nope', id: 4 }), { id: 4, type: 'nope', error: "Unknown message type 'nope'." });
  assert.deepEqual(await c.ask({ type: true, id: 5 }), { id: 5, type: 'True', error: "Unknown message type 'True'." });
  await c.close();
});

test('ping and its data rule', async () => {
  const c = await connect(url(rc));
  assert.deepEqual(await c.ask({ type: 'ping', id: 1 }), { id: 1, type: 'pong' });
  assert.deepEqual(await c.ask({ type: 'ping', id: 2, data: 7 }), { id: 2, type: 'pong', data: { data: 7 } });
  assert.deepEqual(await c.ask({ type: 'ping', id: 0 }), { type: 'pong' });
  await c.close();
});

test('handlers reply in request order; a throwing handler gets a generic error and the connection stays', async () => {
  const c = await connect(url(rc));
  c.send({ type: 'slow', id: 1 });
  c.send({ type: 'echo', id: 2, data: { a: 1 } });
  assert.deepEqual(await c.next(), { id: 1, type: 'slow', data: { slow: true } });
  assert.deepEqual(await c.next(), { id: 2, type: 'echo', data: { a: 1 } });
  assert.deepEqual(await c.ask({ type: 'boom', id: 3 }), { id: 3, type: 'boom', error: 'Internal server error.' });
  assert.deepEqual(await c.ask({ type: 'refuse', id: 4 }), { id: 4, type: 'refuse', error: 'NOPE', data: { why: 'because' } });
  assert.deepEqual(await c.ask({ type: 'ping', id: 5 }), { id: 5, type: 'pong' });
  await c.close();
});

test('subscribe as rohrpost.js expects it; permissions come from the allowed rooms; pushes reach members', async () => {
  const c = await connect(url(rc));
  const sub = { type: 'subscribe', id: 1, auth_jwt: 'x', data: { type: 'collection', id: 52 } };
  assert.deepEqual(await c.ask(sub), { id: 1, type: 'subscribe', data: { group: 'collection-52' } });
  assert.deepEqual(await c.ask({ type: 'subscribe', id: 2, data: { type: 'secret', id: 1 } }), { id: 2, type: 'subscribe', error: 'ACCESS_DENIED' });
  assert.equal(((await c.ask({ type: 'subscribe', id: 3, data: { type: 'collection' } })) as { error: string }).error.startsWith('Invalid subscription'), true);
  rc.server.sendToGroup('collection-52', 'subscription-update', { type: 'update', object: { id: 52 } });
  assert.deepEqual(await c.next(), { type: 'subscription-update', data: { type: 'update', object: { id: 52 } } });
  assert.deepEqual(await c.ask({ type: 'unsubscribe', id: 4, data: { type: 'collection', id: 52 } }), { id: 4, type: 'unsubscribe' });
  rc.server.sendToGroup('collection-52', 'subscription-update', { gone: true });
  await c.silence(200);
  await c.close();
});

test('no group membership survives a closed connection', async () => {
  const c = await connect(url(rc));
  await c.ask({ type: 'subscribe', id: 1, data: { type: 'collection', id: 'x' } });
  await c.close();
  // (the hub drops empty groups; the group count is back to what it was)
  const metrics = async (): Promise<string> => (await fetch(`${rc.url}/metrics`)).text();
  await eventually(async () => assert.match(await metrics(), /^roomcast_groups 0$/m));
});

async function acrossNodes(makeLayers: () => [Layer, Layer]): Promise<void> {
  const [la, lb] = makeLayers();
  const a = await start({ auth, layer: la });
  const b = await start({ auth, layer: lb });
  let c: TestClient | undefined;
  try {
    c = await connect(url(a));
    await c.ask({ type: 'subscribe', id: 1, data: { type: 'collection', id: 9 } });
    await eventually(async () => {
      b.server.sendToGroup('collection-9', 'subscription-update', { from: 'b' });
      assert.deepEqual(await c!.next(300), { type: 'subscription-update', data: { from: 'b' } });
    }, 5000);
  } finally {
    await c?.close();
    await Promise.all([a.close(), b.close()]);
  }
}

test('a group push from another node arrives (memory bus)', async () => {
  const bus = createMemoryBus();
  await acrossNodes(() => [createMemoryLayer({ bus }), createMemoryLayer({ bus })]);
});

test('a group push from another node arrives (Redis)', { skip: await redisSkip() }, async () => {
  const prefix = `rp-${randomUUID()}:`;
  await acrossNodes(() => [createRedisLayer({ url: REDIS_URL, prefix }), createRedisLayer({ url: REDIS_URL, prefix })]);
});
