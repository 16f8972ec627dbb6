/**
 * The rohrpost client against a live roomcast server on loopback: calls and their errors, timeouts, ids that never
 * repeat, the offline queue and its bound, resubscription after a server restart with the `missed` event, pushes,
 * auth refusals that stop reconnecting, and a socket that stops answering pings.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket, { WebSocketServer } from 'ws';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import type { AuthStrategy } from '../../src/auth/strategy.js';
import { RequestError, RohrpostClient, PING_TIMEOUT, type RohrpostClientOptions } from '../../src/client/index.js';
import type { ServerOptions } from '../../src/options.js';
import { eventually, start, type Running } from '../helpers/server.js';
import { failure, freePort, sleep } from './helpers.js';

const auth = createAnonymousAuth([{ type: 'collection', id: '*' }]);
const fast = { minMs: 20, maxMs: 200 };
const open: RohrpostClient[] = [];
const servers: Running[] = [];
/** Each `late` request as the server saw it. */
const late: { id: unknown; address: string }[] = [];
after(async () => {
  for (const c of open) c.close();
  for (const s of servers) await s.close();
});

async function serve(options: ServerOptions = {}): Promise<Running> {
  const rc = await start({ auth, ...options });
  servers.push(rc);
  const seen: unknown[] = [];
  rc.server.handle('echo', (ctx, request) => ctx.reply(request.data));
  rc.server.handle('ids', (ctx, request) => {
    seen.push(request.id);
    ctx.reply(seen);
  });
  rc.server.handle('refuse', (ctx) => ctx.error('NOPE', { why: 'because' }));
  rc.server.handle('late', async (ctx, request) => {
    late.push({ id: request.id, address: ctx.connectionId });
    await sleep(Number(request.data));
    ctx.reply('late');
  });
  rc.server.handle('whoami', (ctx, request) => ctx.reply({ jwt: request.auth_jwt ?? null }));
  return rc;
}

function client(port: number, options: RohrpostClientOptions = {}): RohrpostClient {
  const c = new RohrpostClient(`ws://127.0.0.1:${port}/ws/rohrpost/`, { WebSocket, reconnect: fast, ...options });
  open.push(c);
  return c;
}

test('call resolves with the reply data; an error reply rejects with the server error and data', async () => {
  const rc = await serve();
  const c = client(rc.port, { token: 'abc' });
  assert.deepEqual(await c.call('echo', { a: [1, 2] }), { a: [1, 2] });
  assert.deepEqual(await c.call('whoami'), { jwt: 'abc' });
  const err = await failure(c.call('refuse'));
  assert.ok(err instanceof RequestError);
  assert.equal(err.code, 'server');
  assert.equal(err.error, 'NOPE');
  assert.deepEqual(err.data, { why: 'because' });
  const unknown = await failure(c.call('nope'));
  assert.equal(unknown.error, "Unknown message type 'nope'.");
  c.close();
  await rc.close();
});

test('a request times out; its late reply is ignored and later requests get their own replies', async () => {
  const rc = await serve();
  const c = client(rc.port);
  const pushes: unknown[] = [];
  c.on('push', (p) => pushes.push(p));
  const err = await failure(c.call('late', 200, { timeoutMs: 50 }));
  assert.equal(err.code, 'timeout');
  // Served after the slow one (one connection's requests run in order), so its reply arrives after the stale one.
  assert.deepEqual(await c.call('echo', 'fresh'), 'fresh');
  assert.deepEqual(pushes, []);
  c.close();
  await rc.close();
});

test('an aborted request rejects with aborted', async () => {
  const rc = await serve();
  const c = client(rc.port);
  const ac = new AbortController();
  const p = c.call('late', 100, { signal: ac.signal });
  ac.abort();
  assert.equal((await failure(p)).code, 'aborted');
  c.close();
  await rc.close();
});

test('ids grow across reconnects and are never reused; requests made while down wait in a bounded queue', async () => {
  const port = await freePort();
  let rc = await serve({ port });
  const c = client(port, { maxQueued: 2 });
  const first = (await c.call('ids')) as number[];
  const closed = c.next('close', 5000);
  await rc.close();
  await closed;
  const queued = [c.call('ids'), c.call('echo', 'queued')];
  const overflow = await failure(c.call('echo', 'third'));
  assert.equal(overflow.code, 'queue-full');
  rc = await serve({ port });
  const second = (await queued[0]) as number[];
  assert.equal(await queued[1], 'queued');
  const [a] = first;
  const [b] = second;
  assert.ok(typeof a === 'number' && typeof b === 'number' && b > a, `ids ${a} then ${b}`);
  c.close();
  await rc.close();
});

test('subscriptions are made again after a server restart, with a missed event; updates reach the subscriber', async () => {
  const port = await freePort();
  let rc = await serve({ port });
  const c = client(port);
  const updates: unknown[] = [];
  const sub = await c.subscribe({ type: 'collection', id: 52 }, (u) => updates.push(u.data));
  assert.equal(sub.group, 'collection-52');
  // With an id equal to a pending request's, as rohrpost's random ids can be: routed by type, the request unharmed.
  late.length = 0;
  const pending = c.call('late', 200);
  const update = c.next('update', 5000);
  await eventually(() => assert.ok(late.length > 0, `late=${JSON.stringify(late)} state=${c.state}`));
  const seen = late.pop() as { id: number; address: string };
  rc.server.sendMessage(seen.address, 'subscription-update', { group: 'collection-52', type: 'update', object: { id: 52 } }, { id: seen.id });
  await update;
  assert.equal(await pending, 'late');
  await rc.close();
  const missedSoon = c.next('missed', 5000);
  rc = await serve({ port });
  const missed = await missedSoon;
  assert.deepEqual(missed.groups, ['collection-52']);
  rc.server.sendToGroup('collection-52', 'subscription-update', { group: 'collection-52', type: 'delete', object: { id: 52 } });
  await c.next('update', 5000);
  assert.deepEqual(updates, [
    { group: 'collection-52', type: 'update', object: { id: 52 } },
    { group: 'collection-52', type: 'delete', object: { id: 52 } },
  ]);
  await sub.unsubscribe();
  rc.server.sendToGroup('collection-52', 'subscription-update', { group: 'collection-52', type: 'update', object: {} });
  rc.server.sendToGroup('other', 'hello', 1);
  assert.deepEqual(await c.call('echo', 'after'), 'after');
  assert.equal(updates.length, 2);
  c.close();
  await rc.close();
});

test('a denied subscribe rejects with ACCESS_DENIED; other pushes arrive as push events', async () => {
  const rc = await serve();
  const c = client(rc.port);
  const err = await failure(c.subscribe({ type: 'secret', id: 1 }));
  assert.equal(err.error, 'ACCESS_DENIED');
  await c.subscribe({ type: 'collection', id: 1 });
  rc.server.sendToGroup('collection-1', 'notice', { hi: true });
  const push = await c.next('push', 5000);
  assert.equal(push.type, 'notice');
  assert.deepEqual(push.data, { hi: true });
  c.close();
  await rc.close();
});

test('a request in flight when the connection drops rejects with disconnected; close() rejects what is queued', async () => {
  const port = await freePort();
  const rc = await serve({ port });
  const c = client(port);
  await c.call('echo', 1);
  const inflight = failure(c.call('late', 500));
  await sleep(50);
  await rc.close();
  assert.equal((await inflight).code, 'disconnected');
  const queued = failure(c.call('echo', 2));
  c.close();
  assert.equal((await queued).code, 'closed');
  assert.equal(c.state, 'stopped');
});

test('an auth refusal (4001) stops the client instead of reconnecting', async () => {
  let attempts = 0;
  const refuse: AuthStrategy = async () => {
    attempts++;
    return { kind: 'denied', reason: 'no token' };
  };
  const rc = await serve({ auth: refuse });
  const c = client(rc.port);
  const failed = await c.next('authFailed', 5000);
  assert.equal(failed.code, 4001);
  assert.equal((await failure(c.call('echo', 1))).code, 'closed');
  await sleep(300);
  assert.equal(attempts, 1);
  assert.equal(c.state, 'stopped');
  await rc.close();
});

test('a server that stops answering is given up after one ping period and reconnected', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  let connections = 0;
  wss.on('connection', () => connections++);
  const { port } = wss.address() as { port: number };
  const c = new RohrpostClient(`ws://127.0.0.1:${port}/`, { WebSocket, reconnect: fast, pingIntervalMs: 50 });
  open.push(c);
  const lost = await c.next('close', 5000);
  assert.equal(lost.code, PING_TIMEOUT);
  assert.equal(lost.reconnecting, true);
  await c.next('open', 5000);
  assert.equal(connections, 2);
  c.close();
  await new Promise((r) => wss.close(r));
});
