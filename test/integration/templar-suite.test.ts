/**
 * high-templar 3.1's own black-box suite (dossier §3.2), ported: the same exchanges against a real roomcast on
 * loopback, with a stub bootstrap backend. Message cases run with the HTTP trigger here and with AMQP in
 * templar-amqp.test.ts.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type StubBackend } from '../helpers/backend.js';
import { connect, type TestClient } from '../helpers/client.js';
import { eventually, start, trigger as post, type Running } from '../helpers/server.js';

let backend: StubBackend;
let rc: Running;
const open: TestClient[] = [];

before(async () => {
  backend = await startBackend();
  rc = await start({ bootstrap: { apiUrl: backend.apiUrl }, trigger: { secret: 'sekrit' } });
});
after(async () => {
  await Promise.all(open.map((c) => c.close()));
  await rc.close();
  await backend.close();
});
beforeEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  backend.answer({ body: {} });
});

async function client(rooms?: unknown[]): Promise<TestClient> {
  backend.answer({ body: rooms === undefined ? {} : { allowed_rooms: rooms } });
  const c = await connect(rc.wsUrl);
  open.push(c);
  return c;
}
async function authorized(rooms: unknown[]): Promise<TestClient> {
  const c = await client(rooms);
  assert.equal((await c.next() as { is_authorized: boolean }).is_authorized, true);
  return c;
}
const trigger = (body: unknown) => post(rc.url, body, { authorization: 'Bearer sekrit' });
const status = async (c: TestClient) => (await c.ask({ type: 'status' })) as Record<string, unknown>;

describe('setup connection', () => {
  test('bootstrap {} gives is_authorized with no rooms', async () => {
    const c = await client();
    assert.deepEqual(await c.next(), { is_authorized: true, allowed_rooms: [] });
  });
  test('bootstrap 403 gives is_authorized false, then a clean close', async () => {
    backend.answer({ status: 403 });
    const c = await connect(rc.wsUrl);
    assert.deepEqual(await c.next(), { is_authorized: false });
    assert.equal((await c.closed).code, 1000);
  });
  test('allowed rooms are echoed', async () => {
    const c = await client([{ zoo: 'all' }]);
    assert.deepEqual(await c.next(), { is_authorized: true, allowed_rooms: [{ zoo: 'all' }] });
  });
  test('an unparseable permission is not authorized', async () => {
    backend.answer({ body: { allowed_rooms: ['foo'] } });
    const c = await connect(rc.wsUrl);
    assert.deepEqual(await c.next(), { is_authorized: false });
    assert.equal((await c.closed).code, 1000);
  });
  test('ping gives raw pong', async () => {
    const c = await authorized([]);
    c.send('ping');
    assert.equal(await c.nextText(), 'pong');
  });
  test('unsupported action gives an error', async () => {
    const c = await authorized([]);
    const reply = (await c.ask({ type: 'foobar' })) as Record<string, unknown>;
    assert.equal(reply.code, 'error');
    assert.equal(reply.message, 'message-type-not-allowed');
    assert.equal(typeof reply.requestId, 'string');
  });
  test('non-JSON gives an error', async () => {
    const c = await authorized([]);
    c.send('geen json');
    const reply = (await c.next()) as Record<string, unknown>;
    assert.equal(reply.code, 'error');
    assert.equal(reply.message, 'non-json-message');
  });
});

describe('subscribe and unsubscribe', () => {
  test('subscribe to an allowed room', async () => {
    const c = await authorized([{ target: 'chat' }]);
    assert.deepEqual(await c.ask({ type: 'subscribe', room: { target: 'chat' }, requestId: 'a' }), { code: 'success' });
  });
  test('subscribe to a room not allowed', async () => {
    const c = await authorized([{ target: 'chat' }]);
    assert.deepEqual(await c.ask({ type: 'subscribe', room: { target: 'other' }, requestId: 'a' }), { code: 'error', message: 'room-not-found' });
  });
  test('a room of more fields than any allowed one: room-not-found, or its own error first in high-templar order', async () => {
    const c = await authorized([{ target: 'chat' }, { target: 'allocation', driver: '*' }]);
    const room = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i]));
    assert.deepEqual(await c.ask({ type: 'subscribe', room, requestId: 'a' }), { code: 'error', message: 'room-not-found' });
    assert.deepEqual(await c.ask({ type: 'subscribe', room }), { code: 'error', message: 'no-request-id' });
    assert.deepEqual(await c.ask({ type: 'subscribe', room: { ...room, target: 'chat' }, requestId: {} }), { code: 'error', message: 'invalid-request-id' });
  });
  test('subscribe with wildcards', async () => {
    const c = await authorized([{ target: 'allocation', allocation: '*', driver: '*', truck: '*' }]);
    const room = { target: 'allocation', allocation: 1, driver: '*', truck: '*' };
    assert.deepEqual(await c.ask({ type: 'subscribe', room, requestId: 'a' }), { code: 'success' });
  });
  test('unsubscribe, then unsubscribe again', async () => {
    const c = await authorized([{ target: 'chat' }]);
    await c.ask({ type: 'subscribe', room: { target: 'chat' }, requestId: 'a' });
    assert.deepEqual(await c.ask({ type: 'unsubscribe', requestId: 'a' }), { code: 'success' });
    assert.deepEqual(await c.ask({ type: 'unsubscribe', requestId: 'a' }), { code: 'error', message: 'not-subscribed' });
  });
  test('unsubscribe without subscribing', async () => {
    const c = await authorized([{ target: 'chat' }]);
    assert.deepEqual(await c.ask({ type: 'unsubscribe', requestId: 'a' }), { code: 'error', message: 'not-subscribed' });
  });
});

describe('internal status', () => {
  test('open connections follow connects and closes', async () => {
    const a = await authorized([]);
    const s = await status(a);
    assert.equal(s.open_connections, 1);
    assert.equal(s.num_rooms, 0);
    for (const key of ['online_since', 'rabbitmq_messages_received', 'ws_messages_received', 'ws_messages_send', 'ws_messages_send_error', 'ws_messages_send_queued']) {
      assert.ok(key in s, key);
    }
    const b = await authorized([]);
    assert.equal((await status(a)).open_connections, 2);
    await b.close();
    await eventually(async () => assert.equal((await status(a)).open_connections, 1));
  });
  test('a room closes when its last subscription goes', async () => {
    const c = await authorized([{ target: 'chat', id: '*' }]);
    await c.ask({ type: 'subscribe', room: { target: 'chat', id: 1 }, requestId: 'a' });
    assert.equal((await status(c)).num_rooms, 1);
    await c.ask({ type: 'subscribe', room: { target: 'chat', id: 2 }, requestId: 'b' });
    assert.equal((await status(c)).num_rooms, 2);
    await c.ask({ type: 'unsubscribe', requestId: 'a' });
    assert.equal((await status(c)).num_rooms, 1);
    await c.ask({ type: 'unsubscribe', requestId: 'b' });
    assert.equal((await status(c)).num_rooms, 0);
  });
  test('a room stays while a second subscription holds it', async () => {
    const a = await authorized([{ target: 'chat' }]);
    const b = await authorized([{ target: 'chat' }]);
    await a.ask({ type: 'subscribe', room: { target: 'chat' }, requestId: 'a' });
    await b.ask({ type: 'subscribe', room: { target: 'chat' }, requestId: 'b' });
    assert.deepEqual(await b.ask({ type: 'unsubscribe' }), { code: 'error', message: 'no-request-id' });
    assert.equal((await status(a)).num_rooms, 1);
  });
  test('rooms close when their subscriber disconnects', async () => {
    const a = await authorized([{ target: 'chat' }]);
    const b = await authorized([{ target: 'chat' }]);
    await b.ask({ type: 'subscribe', room: { target: 'chat' }, requestId: 'b' });
    await b.close();
    await eventually(async () => {
      const s = await status(a);
      assert.equal(s.num_rooms, 0);
      assert.equal(s.open_connections, 1);
    });
  });
});

describe('messages (HTTP trigger)', () => {
  test('a subscription gets the message', async () => {
    const c = await authorized([{ customer: '*' }]);
    await c.ask({ type: 'subscribe', room: { customer: '1' }, requestId: 'x1' });
    assert.deepEqual(await trigger({ rooms: [{ customer: '1' }], data: { foo: 'bar' } }), { status: 200, text: 'publish success' });
    assert.deepEqual(await c.next(), { data: { foo: 'bar' }, type: 'publish', requestId: 'x1' });
  });
  test('a trigger to several rooms, one unknown, gives exactly one publish', async () => {
    const c = await authorized([{ customer: '*' }]);
    await c.ask({ type: 'subscribe', room: { customer: '1' }, requestId: 'x1' });
    await trigger({ rooms: [{ customer: '1' }, { customer: 'nobody' }], data: 1 });
    assert.deepEqual(await c.next(), { data: 1, type: 'publish', requestId: 'x1' });
    await c.silence(200);
  });
  test('two connections each get their own requestId', async () => {
    const a = await authorized([{ customer: '*' }]);
    const b = await authorized([{ customer: '*' }]);
    await a.ask({ type: 'subscribe', room: { customer: '1' }, requestId: 'ra' });
    await b.ask({ type: 'subscribe', room: { customer: '1' }, requestId: 'rb' });
    await trigger({ rooms: [{ customer: '1' }], data: 'x' });
    assert.deepEqual(await a.next(), { data: 'x', type: 'publish', requestId: 'ra' });
    assert.deepEqual(await b.next(), { data: 'x', type: 'publish', requestId: 'rb' });
  });
  test('"*" never fans out on publish: a "*" subscriber gets only literal "*" triggers', async () => {
    const c = await authorized([{ customer: '*' }]);
    await c.ask({ type: 'subscribe', room: { customer: '*' }, requestId: 'all' });
    await trigger({ rooms: [{ customer: '1' }], data: 1 });
    await c.silence(200);
    await trigger({ rooms: [{ customer: '*' }], data: 2 });
    assert.deepEqual(await c.next(), { data: 2, type: 'publish', requestId: 'all' });
  });
  test('no permission, no message', async () => {
    const c = await authorized([{ customer: '2' }]);
    await c.ask({ type: 'subscribe', room: { customer: '2' }, requestId: 'r' });
    await trigger({ rooms: [{ customer: '1' }], data: 1 });
    await c.silence(300);
  });
});

describe('load', () => {
  test('1,500 rooms: subscribe each, one publish per trigger, all gone on close', async () => {
    const rooms = Array.from({ length: 1500 }, (_, i) => ({ room: i }));
    const a = await authorized([]);
    const b = await authorized(rooms);
    for (const [i, room] of rooms.entries()) {
      assert.deepEqual(await b.ask({ type: 'subscribe', room, requestId: `r${i}` }), { code: 'success' });
    }
    const s = await status(a);
    assert.equal(s.num_rooms, 1500);
    assert.equal(s.open_connections, 2);
    for (const [i, room] of rooms.entries()) {
      await trigger({ rooms: [room], data: i });
      assert.deepEqual(await b.next(), { data: i, type: 'publish', requestId: `r${i}` });
    }
    await b.close();
    await eventually(async () => {
      const t = await status(a);
      assert.equal(t.num_rooms, 0);
      assert.equal(t.open_connections, 1);
    });
  });
});
