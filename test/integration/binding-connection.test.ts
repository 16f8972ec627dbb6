/**
 * The binding dialect's connection rules and app events on a live server (SQLite): anonymous connections refused
 * by default (4001 after an error frame) or allowed by option, unauthorized ones told so, the subscription limit,
 * and handlers registered with `server.bind`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBindingDialect } from '../../src/dialects/binding/index.js';
import { ModelError, openStore, type Store } from '../../src/models/index.js';
import { startBinding, type BindingFixture } from '../helpers/binding.js';
import { start } from '../helpers/server.js';

let store: Store;
let fx: BindingFixture;
const failures: { err: unknown; event: string }[] = [];

before(async () => {
  store = await openStore('sqlite::memory:');
  fx = await startBinding(store, { todo: 'shop_todo', tag: 'shop_tag' }, { maxSubscriptions: 3, onHandlerError: (err, event) => failures.push({ err, event }) });
  const { server } = fx.rc;
  server.bind('shop.Todo.count', async (ctx, data) => ({ count: (await fx.todos.search({}, { as: ctx.identity })).count, hash: ctx.hash ?? null, data }));
  server.bind('chat.echo', (ctx, data) => {
    ctx.reply({ first: true });
    ctx.send('chat.note', { stream: ctx.stream, action: ctx.action });
    return data;
  });
  server.bind('chat.quiet', () => undefined);
  server.bind('chat.refuse', (ctx) => ctx.error('Not today'));
  server.bind('chat.missing', () => {
    throw new ModelError('not-found', 'No such room');
  });
  server.bind('chat.boom', () => {
    throw new Error('secret detail at /srv/app.ts:12');
  });
  server.bind('chat.bigint', () => 10n);
  server.bind('chat.slow', async () => {
    await new Promise((r) => setTimeout(r, 100));
    return { slow: true };
  });
  // An app event may replace a built-in action, and write through the model as the client.
  server.bind('shop.Todo.create', (ctx, data) => ctx.model?.create({ ...(data as object), title: 'stamped' }, { as: ctx.identity, origin: ctx.connectionId }));
});
after(async () => {
  await fx.close();
  await store.close();
});

test('anonymous connections are refused by default: an error frame, then close 4001', async () => {
  const c = await fx.client();
  assert.deepEqual(await c.next(), { error: 'Anonymous connections are not allowed', code: 'unauthorized' });
  const closed = await c.closed;
  assert.equal(closed.code, 4001);
  assert.equal(closed.reason, 'anonymous connections are not allowed');
});

test('unauthorized connections get {"error": "Not authorized"} and close 4001', async () => {
  const c = await fx.client('deny=1');
  assert.deepEqual(await c.next(), { error: 'Not authorized', code: 'unauthorized' });
  assert.equal((await c.closed).code, 4001);
});

test('with anonymous: true, anonymous connections read what the read rule lets them; writes stay refused', async () => {
  const anonStore = await openStore('sqlite::memory:');
  const open = await startBinding(anonStore, { todo: 'shop_todo', tag: 'shop_tag' }, { anonymous: true });
  try {
    await open.todos.create({ title: 'public', owner: 1, secret: false });
    await open.todos.create({ title: 'hidden', owner: 1, secret: true });
    const c = await open.client();
    const page = (await c.ask({ event: 'shop.Todo.list' })) as { data: { count: number; rows: { title: string }[] } };
    assert.deepEqual([page.data.count, page.data.rows.map((r) => r.title)], [1, ['public']]);
    assert.deepEqual(await c.ask({ event: 'shop.Todo.create', data: { title: 'x', owner: 1 } }), { event: 'shop.Todo.create', error: 'create: not allowed on shop.Todo', code: 'forbidden' });
    await c.close();
  } finally {
    await open.close();
    await anonStore.close();
  }
});

test('the subscription limit counts streams and objects; re-subscribing is free', async () => {
  const c = await fx.client('user=1');
  for (const event of ['shop.Todo.subscribe', 'shop.Todo.subscribe#1', 'shop.Tag.subscribe#red', 'shop.Todo.subscribe#1']) {
    assert.equal(((await c.ask({ event })) as { data: { subscribed: boolean } }).data.subscribed, true, event);
  }
  assert.deepEqual(await c.ask({ event: 'shop.Tag.subscribe' }), { event: 'shop.Tag.subscribe', error: 'Too many subscriptions (at most 3 per connection)', code: 'too-many-subscriptions' });
  await c.ask({ event: 'shop.Todo.unsubscribe#1' });
  assert.deepEqual(await c.ask({ event: 'shop.Tag.subscribe' }), { event: 'shop.Tag.subscribe', data: { subscribed: true } });
  await c.close();
});

test('frames queued behind a slow one when the client leaves take no subscription', async () => {
  const groups = async (): Promise<number> => Number(/^roomcast_groups (\d+)$/m.exec(await (await fetch(`${fx.rc.url}/metrics`)).text())?.[1]);
  const before = await groups();
  const c = await fx.client('user=1');
  c.send({ event: 'chat.slow' });
  c.send({ event: 'shop.Todo.subscribe#77' });
  c.ws.terminate();
  await c.closed;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await groups(), before);
});

test("app events: the return value is the reply's data; reply/send/error; errors never leak", async () => {
  const c = await fx.client('user=1');
  await fx.todos.create({ title: 'a', owner: 1, secret: false });
  assert.deepEqual(await c.ask({ event: 'shop.Todo.count#x', data: [1] }), { event: 'shop.Todo.count#x', data: { count: 1, hash: 'x', data: [1] } });
  c.send({ event: 'chat.echo#7', data: { hi: 1 } });
  assert.deepEqual(await c.next(), { event: 'chat.echo#7', data: { first: true } });
  assert.deepEqual(await c.next(), { event: 'chat.note', data: { stream: 'chat', action: 'echo' } });
  assert.deepEqual(await c.next(), { event: 'chat.echo#7', data: { hi: 1 } });
  c.send({ event: 'chat.quiet' });
  assert.deepEqual(await c.ask({ event: 'chat.refuse' }), { event: 'chat.refuse', error: 'Not today', code: 'invalid' });
  assert.deepEqual(await c.ask({ event: 'chat.missing' }), { event: 'chat.missing', error: 'No such room', code: 'not-found' });
  assert.deepEqual(await c.ask({ event: 'chat.boom' }), { event: 'chat.boom', error: 'Internal server error', code: 'internal' });
  assert.deepEqual(await c.ask({ event: 'chat.bigint' }), { event: 'chat.bigint', error: 'Internal server error', code: 'internal' });
  assert.deepEqual(failures.map((f) => f.event), ['chat.boom', 'chat.bigint']);
  assert.match(String(failures[0]?.err), /secret detail/);
  assert.deepEqual(await c.ask({ event: 'chat.other' }), { event: 'chat.other', error: 'No binding found for chat.other', code: 'no-binding' });
  const created = (await c.ask({ event: 'shop.Todo.create', data: { title: 'x', owner: 1 } })) as { data: { title: string } };
  assert.equal(created.data.title, 'stamped');
  await c.close();
});

test('registration is checked: <stream>.<action>, no hash; bind needs the binding dialect', async () => {
  for (const bad of ['ping', '.x', 'x.', 'a.b#c', ' a.b']) assert.throws(() => fx.rc.server.bind(bad, () => 1), TypeError, bad);
  const bare = await start({});
  try {
    assert.throws(() => bare.server.bind('a.b', () => 1), /binding dialect is not served/);
  } finally {
    await bare.close();
  }
  // A dialect created by the app, passed in `dialects`, takes handlers with `on`.
  const own = createBindingDialect({ models: fx.models });
  own.on('a.b', () => 1);
  assert.equal(own.path, '/ws/binding/');
});
