/**
 * rohrpost.js 0.6.0 itself, unmodified, against roomcast's rohrpost dialect (read from a clone of its repository,
 * `ROHRPOST_JS`: see test/helpers/legacy.ts; skipped without one): the
 * steps of its own mocha suite that need no mock-server tricks (dropping frames, killing sockets), in its order and
 * with its server-side contract (token `hunter2`, group `<type>-<id>`, `my-little-incrementer`). Its
 * "should unsubscribe" step calls mocha's `done` with what unsubscribe() resolves to, so it passes only when the
 * reply carries no data.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import { start, type Running } from '../helpers/server.js';
import { checkoutLegacy } from '../helpers/legacy.js';

/** As much of rohrpost.js's client as the test uses. */
interface RohrpostClient {
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  subscribe(group: { type: string; id: string | number }): Promise<unknown>;
  unsubscribe(group: { type: string; id: string | number }): Promise<unknown>;
  call(name: string, data?: unknown, opts?: { timeout?: number }): Promise<unknown>;
  close(): void;
}
type RohrpostClientClass = new (url: string, config?: { pingInterval?: number; token?: string }) => RohrpostClient;

// 0.6.0 plus a CI-only commit; its src/index.js is the package's code.
const checkout = checkoutLegacy({
  env: 'ROHRPOST_JS',
  commit: '69e3d124740cb434d634a25c66d4be85f0086028',
  // .mjs: its `import EventEmitter from 'events'` is ESM, and the folder has no package.json saying so.
  files: { 'src/index.js': 'rohrpost.mjs' },
});
const skip = typeof checkout === 'string' ? checkout : false;
let RohrpostClient: RohrpostClientClass;

const global = globalThis as { WebSocket?: unknown };
const hadWebSocket = 'WebSocket' in global;
const previous = global.WebSocket;
let rc: Running;

before(async () => {
  if (typeof checkout === 'string') return;
  RohrpostClient = ((await import(`${checkout.dir}/rohrpost.mjs`)) as { default: RohrpostClientClass }).default;
  // rohrpost.js uses the browser's global WebSocket; Node 20 has none, so ws stands in (as its CJS build injects it).
  global.WebSocket = WebSocket;
  rc = await start({
    auth: createAnonymousAuth([]),
    rohrpost: { canSubscribe: (_identity, target, request) => request.auth_jwt === 'hunter2' && target.type !== 'INVALID' },
  });
  rc.server.handle('my-little-incrementer', (ctx, request) => ctx.reply({ number: (request.data as { number: number }).number + 1 }));
  rc.server.handle('my-little-timeouter', () => {});
});
after(async () => {
  if (typeof checkout === 'string') return;
  await rc.close();
  checkout.remove();
  if (hadWebSocket) global.WebSocket = previous;
  else delete global.WebSocket;
});

const once = (client: RohrpostClient, event: string): Promise<unknown[]> => new Promise((resolve) => client.once(event, (...args: unknown[]) => resolve(args)));

test("rohrpost.js's own suite: connect, ping, subscribe, reject, receive, call, time out, unsubscribe, close", { skip }, async () => {
  const client = new RohrpostClient(`ws://127.0.0.1:${rc.port}/ws/rohrpost/`, { pingInterval: 300, token: 'hunter2' });
  const errors: unknown[] = [];
  client.on('error', (error: unknown) => errors.push(error));
  try {
    // should connect; should ping (three pongs)
    await once(client, 'open');
    for (let i = 0; i < 3; i++) await once(client, 'pong');
    // should subscribe
    assert.deepEqual(await client.subscribe({ type: 'collection', id: 52 }), { group: 'collection-52' });
    // should reject bad subscription
    await assert.rejects(client.subscribe({ type: 'INVALID', id: 1 }), (reason) => reason === 'ACCESS_DENIED');
    // should receive events
    const update = once(client, 'collection-52');
    rc.server.sendToGroup('collection-52', 'subscription-update', { type: 'update', group: 'collection-52', object: 'obj' });
    assert.deepEqual(await update, [null, { type: 'update', group: 'collection-52', object: 'obj' }]);
    // should handle custom calls; should handle custom call timeouts
    assert.deepEqual(await client.call('my-little-incrementer', { number: 4 }), { number: 5 });
    await assert.rejects(client.call('my-little-timeouter', { number: 4 }, { timeout: 500 }), /call timed out/);
    // should unsubscribe: mocha's `.then(done)` fails on any value but undefined
    assert.equal(await client.unsubscribe({ type: 'collection', id: 52 }), undefined);
    let late = 0;
    client.on('collection-52', () => late++);
    rc.server.sendToGroup('collection-52', 'subscription-update', { type: 'update', group: 'collection-52', object: 'gone' });
    assert.deepEqual(await client.call('my-little-incrementer', { number: 0 }), { number: 1 });
    assert.equal(late, 0);
    assert.deepEqual(errors, []);
  } finally {
    // should close itself
    const closed = once(client, 'closed');
    client.close();
    await closed;
  }
  // Its ping loop's last timer sees the closed socket and stops (300 ms).
  await new Promise((r) => setTimeout(r, 350));
});
