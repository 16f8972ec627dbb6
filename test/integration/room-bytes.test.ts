/**
 * What one connection can make the server hold with its subscriptions, on a live server: each room (templar room
 * and requestId, rohrpost group, binding object key) is at most `maxRoomBytes` (1024 by default), each dialect
 * answers a larger one with its own error and holds nothing for it, and a connection at `maxSubscriptions` holds
 * exactly what its rooms weigh (counted by `server.heldBytes()`, not from RSS): at the defaults at most 10,000 ×
 * ~2 KiB, where a 64 KB room value made one connection cost about 630 MB.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type TestClient } from '../helpers/client.js';
import { start, type Running } from '../helpers/server.js';
import { startBinding, type BindingFixture } from '../helpers/binding.js';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import { openStore, type Store } from '../../src/models/index.js';

const MAX = 1024;
/** A templar room `{"location":"<value>"}` of exactly `bytes` bytes of canonical text, distinct per `n`. */
const room = (bytes: number, n = 0): { location: string } => {
  const head = `${n}-`;
  return { location: head + 'x'.repeat(bytes - '{"location":""}'.length - head.length) };
};
/** A requestId whose JSON text is exactly `bytes` bytes (its quotes included), distinct per `n`. */
const requestId = (bytes: number, n = 0): string => `${n}-`.padEnd(bytes - 2, 'r');

describe('templar: rooms and requestIds', () => {
  let rc: Running;
  let c: TestClient;
  const LIMIT = 300;
  before(async () => {
    rc = await start({
      auth: createAnonymousAuth([{ location: '*' }]),
      templar: { maxSubscriptions: LIMIT },
      rateLimit: { perSecond: 100_000, burst: 100_000 },
    });
    c = await connect(rc.wsUrl);
    await c.next();
  });
  after(async () => {
    await c.close();
    await rc.close();
  });

  test('a room or requestId over 1024 bytes is refused with its own error, and the server holds nothing for it', async () => {
    const subscribe = (r: unknown, id: string): Promise<unknown> => c.ask({ type: 'subscribe', room: r, requestId: id });
    // The finding: {"location": <64 KB>} under a wildcard used to be held whole.
    assert.deepEqual(await subscribe({ location: 'x'.repeat(64_000) }, 'big'), { code: 'error', message: 'room-too-large' });
    assert.deepEqual(await subscribe(room(MAX + 1), 'r'), { code: 'error', message: 'room-too-large' });
    assert.deepEqual(await subscribe(room(MAX), requestId(MAX + 1)), { code: 'error', message: 'request-id-too-large' });
    // Sizes are checked before permission: a large room that is not allowed is still "too large".
    assert.deepEqual(await subscribe({ floor: 'x'.repeat(2000) }, 'r'), { code: 'error', message: 'room-too-large' });
    assert.equal(rc.server.heldBytes(), 0);
    // UTF-8 bytes count, not characters: 510 × "é" is 525 characters of room text, 1,035 bytes.
    assert.deepEqual(await subscribe({ location: 'é'.repeat(510) }, 'r'), { code: 'error', message: 'room-too-large' });
    assert.equal(rc.server.heldBytes(), 0);
  });

  test('a connection at maxSubscriptions with every room and requestId at the limit holds exactly their bytes', async () => {
    for (let n = 0; n < LIMIT; n++) c.send({ type: 'subscribe', room: room(MAX, n), requestId: requestId(MAX, n) });
    for (let n = 0; n < LIMIT; n++) assert.deepEqual(await c.next(), { code: 'success' }, `subscription ${n}`);
    // Each: the group "room:" + 1024 bytes, and the tail (the requestId's 1024 bytes and "}").
    const each = 'room:'.length + MAX + MAX + 1;
    assert.equal(rc.server.heldBytes(), LIMIT * each);
    assert.deepEqual(await c.ask({ type: 'subscribe', room: { location: 'small' }, requestId: 'one-more' }), { code: 'error', message: 'too-many-subscriptions' });
    assert.deepEqual(await c.ask({ type: 'subscribe', room: { location: 'x'.repeat(64_000) }, requestId: 'big' }), { code: 'error', message: 'room-too-large' });
    assert.equal(rc.server.heldBytes(), LIMIT * each);
    // A publish to one of them still arrives, with its requestId.
    rc.server.publish([room(MAX, 7)], { n: 7 });
    assert.deepEqual(await c.next(), { type: 'publish', data: { n: 7 }, requestId: requestId(MAX, 7) });
    // Unsubscribing gives it back.
    for (let n = 0; n < LIMIT; n++) c.send({ type: 'unsubscribe', requestId: requestId(MAX, n) });
    for (let n = 0; n < LIMIT; n++) assert.deepEqual(await c.next(), { code: 'success' });
    assert.equal(rc.server.heldBytes(), 0);
  });
});

describe('rohrpost: group names and the number of groups', () => {
  let rc: Running;
  let c: TestClient;
  const joined: boolean[] = [];
  before(async () => {
    rc = await start({ auth: createAnonymousAuth([{ type: 'note', id: '*' }]), rohrpost: { maxSubscriptions: 3 } });
    // App code joins groups named from the request, as rohrpost apps do.
    rc.server.handle('follow', (ctx, request) => {
      const ok = ctx.join(`follow-${String((request.data as { name: string }).name)}`);
      joined.push(ok);
      ctx.reply({ joined: ok });
    });
    c = await connect(`ws://127.0.0.1:${rc.port}/ws/rohrpost/`);
  });
  after(async () => {
    await c.close();
    await rc.close();
  });

  test('a group over 1024 bytes is refused before the permission check; past maxSubscriptions, too; app joins are told false', async () => {
    const id = (bytes: number): string => 'x'.repeat(bytes - 'note-'.length);
    assert.deepEqual(await c.ask({ type: 'subscribe', id: 1, data: { type: 'note', id: 'x'.repeat(64_000) } }), {
      id: 1,
      type: 'subscribe',
      error: 'Invalid subscription: the group name is longer than 1024 bytes.',
    });
    assert.deepEqual(await c.ask({ type: 'subscribe', id: 2, data: { type: 'secret', id: id(MAX + 1) } }), {
      id: 2,
      type: 'subscribe',
      error: 'Invalid subscription: the group name is longer than 1024 bytes.',
    });
    assert.equal(rc.server.heldBytes(), 0);
    const group = `note-${id(MAX)}`;
    assert.deepEqual(await c.ask({ type: 'subscribe', id: 3, data: { type: 'note', id: id(MAX) } }), { id: 3, type: 'subscribe', data: { group } });
    assert.equal(rc.server.heldBytes(), 'rp:'.length + MAX);
    assert.deepEqual(await c.ask({ type: 'follow', id: 4, data: { name: 'y'.repeat(MAX) } }), { id: 4, type: 'follow', data: { joined: false } });
    assert.deepEqual(await c.ask({ type: 'follow', id: 5, data: { name: 'a' } }), { id: 5, type: 'follow', data: { joined: true } });
    assert.deepEqual(await c.ask({ type: 'subscribe', id: 6, data: { type: 'note', id: 2 } }), { id: 6, type: 'subscribe', data: { group: 'note-2' } });
    // Three groups now: the next one, from either path, is refused; joining one already joined is fine.
    assert.deepEqual(await c.ask({ type: 'subscribe', id: 7, data: { type: 'note', id: 3 } }), {
      id: 7,
      type: 'subscribe',
      error: 'Too many subscriptions (at most 3 per connection).',
    });
    assert.deepEqual(await c.ask({ type: 'follow', id: 8, data: { name: 'b' } }), { id: 8, type: 'follow', data: { joined: false } });
    assert.deepEqual(await c.ask({ type: 'subscribe', id: 9, data: { type: 'note', id: 2 } }), { id: 9, type: 'subscribe', data: { group: 'note-2' } });
    assert.deepEqual(joined, [false, true, false]);
    assert.equal(rc.server.heldBytes(), 'rp:'.length + MAX + 'rp:follow-a'.length + 'rp:note-2'.length);
    assert.deepEqual(await c.ask({ type: 'unsubscribe', id: 10, data: { type: 'note', id: 2 } }), { id: 10, type: 'unsubscribe' });
    assert.deepEqual(await c.ask({ type: 'subscribe', id: 11, data: { type: 'note', id: 3 } }), { id: 11, type: 'subscribe', data: { group: 'note-3' } });
  });
});

describe('binding: object keys', () => {
  let store: Store;
  let fx: BindingFixture;
  let c: TestClient;
  before(async () => {
    store = await openStore('sqlite::memory:');
    fx = await startBinding(store, { todo: 'shop_todo', tag: 'shop_tag' }, { autoSubscribe: false });
    c = await fx.client('user=1');
  });
  after(async () => {
    await c.close();
    await fx.close();
    await store.close();
  });

  test('a subscribe to an object whose key is over 1024 bytes is refused (key-too-large); at 1024 it is held', async () => {
    const long = 'k'.repeat(MAX + 1);
    assert.deepEqual(await c.ask({ event: 'shop.Tag.subscribe', data: { code: long } }), {
      event: 'shop.Tag.subscribe',
      error: 'The key is too long to subscribe to (at most 1024 bytes)',
      code: 'key-too-large',
    });
    assert.deepEqual(await c.ask({ event: `shop.Tag.subscribe#${'k'.repeat(64_000)}` }), {
      event: `shop.Tag.subscribe#${'k'.repeat(64_000)}`,
      error: 'The key is too long to subscribe to (at most 1024 bytes)',
      code: 'key-too-large',
    });
    assert.equal(fx.rc.server.heldBytes(), 0);
    const key = 'k'.repeat(MAX);
    assert.deepEqual(await c.ask({ event: 'shop.Tag.subscribe', data: { code: key } }), { event: 'shop.Tag.subscribe', data: { code: key, subscribed: true } });
    assert.equal(fx.rc.server.heldBytes(), 'b:shop.Tag#'.length + MAX);
    // Retrieving by a long key is a read, not a subscription: not limited by this.
    assert.deepEqual(await c.ask({ event: 'shop.Tag.retrieve', data: { code: long } }), {
      event: 'shop.Tag.retrieve',
      error: `shop.Tag ${'k'.repeat(64)}… does not exist`,
      code: 'not-found',
    });
  });
});

test("the server's maxRoomBytes applies to every default dialect", async () => {
  const rc = await start({ auth: createAnonymousAuth([{ location: '*' }, { type: 'note', id: '*' }]), maxRoomBytes: 40 });
  const templar = await connect(rc.wsUrl);
  const rohrpost = await connect(`ws://127.0.0.1:${rc.port}/ws/rohrpost/`);
  try {
    await templar.next();
    assert.deepEqual(await templar.ask({ type: 'subscribe', room: room(40), requestId: 'a' }), { code: 'success' });
    assert.deepEqual(await templar.ask({ type: 'subscribe', room: room(41), requestId: 'b' }), { code: 'error', message: 'room-too-large' });
    assert.deepEqual(await rohrpost.ask({ type: 'subscribe', id: 1, data: { type: 'note', id: 'x'.repeat(36) } }), {
      id: 1,
      type: 'subscribe',
      error: 'Invalid subscription: the group name is longer than 40 bytes.',
    });
  } finally {
    await templar.close();
    await rohrpost.close();
    await rc.close();
  }
});

describe('frames waiting behind a slow handler', () => {
  let rc: Running;
  let c: TestClient;
  let release: () => void = () => {};
  before(async () => {
    rc = await start({ auth: createAnonymousAuth([]) });
    rc.server.handle('wait', async (ctx) => {
      await new Promise<void>((r) => (release = r));
      ctx.reply({ waited: true });
    });
    rc.server.handle('echo', (ctx, request) => ctx.reply({ n: (request.data as { n: number }).n }));
    c = await connect(`ws://127.0.0.1:${rc.port}/ws/rohrpost/`);
  });
  after(async () => {
    release();
    await c.close();
    await rc.close();
  });

  test('count against maxQueueBytes (1 MiB): past it a frame is answered as rate-limited at once, not held', async () => {
    c.send({ type: 'wait', id: 'w' });
    // 40 frames of 60,000 bytes (2.4 MB) while the first is still running: 17 fit in 1 MiB, the other 23 do not.
    const pad = 'p'.repeat(60_000 - '{"type":"echo","id":00,"data":{"n":00},"pad":""}'.length);
    for (let n = 10; n < 50; n++) {
      const frame = `{"type":"echo","id":${n},"data":{"n":${n}},"pad":"${pad}"}`;
      assert.equal(frame.length, 60_000);
      c.send(frame);
    }
    for (let i = 0; i < 23; i++) assert.deepEqual(await c.next(), { error: 'Rate limit exceeded.' }, `refusal ${i}`);
    await c.silence(100);
    release();
    assert.deepEqual(await c.next(), { id: 'w', type: 'wait', data: { waited: true } });
    for (let n = 10; n < 27; n++) assert.deepEqual(await c.next(), { id: n, type: 'echo', data: { n } });
    await c.silence(100);
    // Nothing waits now: the next frame is handled as usual.
    assert.deepEqual(await c.ask({ type: 'echo', id: 1, data: { n: 1 } }), { id: 1, type: 'echo', data: { n: 1 } });
  });
});
