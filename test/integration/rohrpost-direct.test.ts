/**
 * server.sendMessage / server.sendError on live servers: a handler keeps ctx.connectionId, app code later sends to
 * that client the exact frame, from the node that holds it or from another node (memory bus and Redis); a closed
 * connection's address is dropped with a debug line; a malformed address throws at once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import type { RohrpostContext } from '../../src/dialects/rohrpost/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { createMemoryBus, createMemoryLayer } from '../../src/layers/memory.js';
import { createRedisLayer } from '../../src/layers/redis.js';
import type { Logger } from '../../src/log.js';
import { connect, type TestClient } from '../helpers/client.js';
import { REDIS_URL, redisSkip } from '../helpers/redis.js';
import { eventually, start, type Running } from '../helpers/server.js';

const auth = createAnonymousAuth([]);
const url = (r: Running): string => `ws://127.0.0.1:${r.port}/ws/rohrpost/`;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const DROPPED = 'direct message for a connection not on this node: dropped';

/** A server whose `hello` handler keeps each request's context for app code, and whose debug lines are kept. */
interface Node {
  readonly r: Running;
  readonly seen: RohrpostContext[];
  readonly debug: { context: object; message: string }[];
}

async function node(layer?: Layer): Promise<Node> {
  const debug: Node['debug'] = [];
  const logger: Logger = { debug: (context, message = '') => debug.push({ context, message }), info() {}, warn() {}, error() {} };
  const r = await start({ auth, logger, ...(layer !== undefined ? { layer } : {}) });
  const seen: RohrpostContext[] = [];
  r.server.handle('hello', (ctx) => {
    seen.push(ctx);
    ctx.reply({ ok: true });
  });
  return { r, seen, debug };
}

/** Says hello and returns the context the handler kept. */
async function hello(n: Node, c: TestClient): Promise<RohrpostContext> {
  c.send({ type: 'hello', id: 1 });
  assert.equal(typeof (await c.next()), 'object');
  const ctx = n.seen.at(-1);
  assert.ok(ctx !== undefined);
  return ctx;
}

/** Whether `n` logged the drop of a message for `address`'s connection. */
const dropped = (n: Node, address: string): boolean =>
  n.debug.some((l) => l.message === DROPPED && (l.context as { connection?: string }).connection === address.slice(address.lastIndexOf('/') + 1));

let one: Node;
before(async () => {
  one = await node();
});
after(() => one.r.close());

test('ctx.connectionId names this node and the connection; app code reaches that client later, frame for frame', async () => {
  const c = await connect(url(one.r));
  const other = await connect(url(one.r));
  const ctx = await hello(one, c);
  assert.match(ctx.connectionId, new RegExp(`^${one.r.server.nodeId}/${UUID}$`));
  const address = ctx.connectionId;

  one.r.server.sendMessage(address, 'export-done', { url: '/x.csv' });
  assert.equal(await c.nextText(), '{"type":"export-done","data":{"url":"/x.csv"}}');
  one.r.server.sendMessage(address, 'tick');
  assert.equal(await c.nextText(), '{"type":"tick"}');
  one.r.server.sendMessage(address, 'tick', {}, { id: 0 });
  assert.equal(await c.nextText(), '{"type":"tick"}', 'falsy id and data are left out, as in replies');
  one.r.server.sendError(address, 'EXPORT_FAILED', { type: 'export', id: 3, data: { retry: false } });
  assert.equal(await c.nextText(), '{"id":3,"type":"export","error":"EXPORT_FAILED","data":{"retry":false}}');
  one.r.server.sendError(address, 'plain');
  assert.equal(await c.nextText(), '{"error":"plain"}');
  await other.silence(200);
  await Promise.all([c.close(), other.close()]);
});

test('a deferred reply echoes the kept request id exactly', async () => {
  const c = await connect(url(one.r));
  c.send('{"type":"hello","id":12345678901234567890}');
  await c.next();
  const ctx = one.seen.at(-1);
  assert.ok(ctx !== undefined);
  one.r.server.sendMessage(ctx.connectionId, ctx.type, { done: true }, { id: ctx.id });
  assert.equal(await c.nextText(), '{"id":12345678901234567890,"type":"hello","data":{"done":true}}');
  await c.close();
});

test('a malformed address, or a message that would be empty, throws a TypeError at once', async () => {
  const c = await connect(url(one.r));
  const { connectionId } = await hello(one, c);
  for (const bad of ['', 'no-slash', `/${randomUUID()}`, `${one.r.server.nodeId}/`, 42 as unknown as string]) {
    assert.throws(() => one.r.server.sendMessage(bad, 'x'), TypeError);
    assert.throws(() => one.r.server.sendError(bad, 'x'), TypeError);
  }
  assert.throws(() => one.r.server.sendMessage(connectionId, ''), { name: 'TypeError', message: 'Cannot send an empty message.' });
  assert.throws(() => one.r.server.sendError(connectionId, ''), TypeError);
  await c.silence(150);
  await c.close();
});

test("a closed connection's address is dropped silently", async () => {
  const c = await connect(url(one.r));
  const { connectionId } = await hello(one, c);
  await c.close();
  await eventually(() => {
    one.r.server.sendMessage(connectionId, 'too-late');
    one.r.server.sendError(connectionId, 'too-late');
    assert.ok(dropped(one, connectionId));
  });
});

/** A client on node A; node B sends to it by its address; once it has closed, A drops what B sends. */
async function acrossNodes(layers: [Layer, Layer], ready: (a: Node) => Promise<void> = async () => {}): Promise<void> {
  const a = await node(layers[0]);
  const b = await node(layers[1]);
  try {
    await ready(a);
    const c = await connect(url(a.r));
    const onB = await connect(url(b.r));
    const { connectionId } = await hello(a, c);
    assert.ok(connectionId.startsWith(`${a.r.server.nodeId}/`));
    b.r.server.sendMessage(connectionId, 'subscription-update', { from: 'b' }, { id: 'u1' });
    assert.equal(await c.nextText(), '{"id":"u1","type":"subscription-update","data":{"from":"b"}}');
    b.r.server.sendError(connectionId, 'ACCESS_DENIED', { type: 'subscribe', id: 9 });
    assert.equal(await c.nextText(), '{"id":9,"type":"subscribe","error":"ACCESS_DENIED"}');
    await onB.silence(200);
    await Promise.all([c.close(), onB.close()]);
    await eventually(() => {
      b.r.server.sendMessage(connectionId, 'too-late');
      assert.ok(dropped(a, connectionId));
    }, 5000);
  } finally {
    await Promise.all([a.r.close(), b.r.close()]);
  }
}

test("node B's sendMessage / sendError reach a client on node A (memory bus)", async () => {
  const bus = createMemoryBus();
  await acrossNodes([createMemoryLayer({ bus }), createMemoryLayer({ bus })]);
});

test("node B's sendMessage / sendError reach a client on node A (Redis)", { skip: await redisSkip() }, async () => {
  const prefix = `rp-direct-${randomUUID()}:`;
  const admin = new Redis(REDIS_URL);
  try {
    // Direct messages are not retried: wait until A listens on its node channel.
    await acrossNodes([createRedisLayer({ url: REDIS_URL, prefix }), createRedisLayer({ url: REDIS_URL, prefix })], (a) =>
      eventually(async () => {
        const [, subscribers] = (await admin.pubsub('NUMSUB', `${prefix}n:${a.r.server.nodeId}`)) as [string, number];
        assert.equal(Number(subscribers), 1);
      }, 5000),
    );
  } finally {
    admin.disconnect();
  }
});
