/**
 * The templar client against a live roomcast server with a stub bootstrap backend: the greeting, subscribe and
 * publishes, room-not-found, unsubscribe, resubscription after a restart with `missed`, a subscription made
 * while down, and an unauthorized user that is not reconnected (one bootstrap, not one every 2 s).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { TemplarClient, type TemplarClientOptions } from '../../src/client/index.js';
import { startBackend, type StubBackend } from '../helpers/backend.js';
import { start, type Running } from '../helpers/server.js';
import { failure, freePort, sleep } from './helpers.js';

let backend: StubBackend;
const clients: TemplarClient[] = [];
before(async () => {
  backend = await startBackend({ body: { allowed_rooms: [{ location: '*' }] } });
});
after(async () => {
  for (const c of clients) c.close();
  await backend.close();
});

const serve = (port = 0): Promise<Running> => start({ port, bootstrap: { apiUrl: backend.apiUrl } });
function client(port: number, options: TemplarClientOptions = {}): TemplarClient {
  const c = new TemplarClient(`ws://127.0.0.1:${port}/ws/`, { WebSocket, reconnect: { minMs: 20, maxMs: 200 }, ...options });
  clients.push(c);
  return c;
}

test('greeting, subscribe, publish, room-not-found, unsubscribe', async () => {
  const rc = await serve();
  const c = client(rc.port, { token: 'a b&c' });
  const greeting = await c.next('authorized', 5000);
  assert.deepEqual(greeting.allowedRooms, [{ location: '*' }]);
  assert.equal(backend.requests.at(-1)?.authorization, 'Token a b&c');
  const got: unknown[] = [];
  const sub = await c.subscribe({ location: 'Delft' }, (data) => got.push(data));
  rc.server.publish([{ location: 'Delft' }], { id: 1 });
  rc.server.publish([{ location: 'Eindhoven' }], { id: 2 });
  await c.next('publish', 5000);
  assert.deepEqual(got, [{ id: 1 }]);
  const denied = await failure(c.subscribe({ customer: 7 }));
  assert.equal(denied.error, 'room-not-found');
  await sub.unsubscribe();
  rc.server.publish([{ location: 'Delft' }], { id: 3 });
  const again = await c.subscribe({ location: 'Eindhoven' });
  assert.equal(c.subscriptions.length, 1);
  await again.unsubscribe();
  assert.deepEqual(got, [{ id: 1 }]);
  c.close();
  await rc.close();
});

test('after a restart, subscriptions are made again and missed is emitted; one made while down is sent on connect', async () => {
  const port = await freePort();
  let rc = await serve(port);
  const c = client(port);
  const got: unknown[] = [];
  await c.subscribe({ location: 'Delft' }, (data) => got.push(data));
  const closed = c.next('close', 5000);
  await rc.close();
  await closed;
  const whileDown = c.subscribe({ location: 'Rotterdam' }, (data) => got.push(data));
  const missedSoon = c.next('missed', 5000);
  rc = await serve(port);
  const missed = await missedSoon;
  assert.deepEqual(missed.subscriptions.map((s) => s.room), [{ location: 'Delft' }]);
  await whileDown;
  rc.server.publish([{ location: 'Delft' }], 'd');
  rc.server.publish([{ location: 'Rotterdam' }], 'r');
  await c.next('publish', 5000);
  if (got.length < 2) await c.next('publish', 5000);
  assert.deepEqual(got, ['d', 'r']);
  c.close();
  await rc.close();
});

test('an unauthorized user gets authFailed and is not reconnected', async () => {
  backend.answer({ status: 403 });
  try {
    const rc = await serve();
    const before = backend.requests.length;
    const c = client(rc.port);
    await c.next('authFailed', 5000);
    await sleep(300);
    assert.equal(backend.requests.length - before, 1);
    assert.equal(c.state, 'stopped');
    assert.equal((await failure(c.subscribe({ location: 'Delft' }))).code, 'closed');
    // A subscribe made at once, in flight when the server refuses: it says so, not that the network dropped.
    const eager = client(rc.port);
    const err = await failure(eager.subscribe({ location: 'Delft' }));
    assert.equal(err.code, 'closed');
    assert.match(err.message, /^subscribe: the server refused this connection's credentials \(1000 not authorized\): check the token/);
    await rc.close();
  } finally {
    backend.answer({ body: { allowed_rooms: [{ location: '*' }] } });
  }
});
