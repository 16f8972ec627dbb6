/**
 * Auto-subscription on a live server (docs/protocols/binding.md, "Subscriptions and changes"): as channels-binding
 * does, a connection that uses a model's stream is subscribed to it, so @channels-binding/core's `useRetrieve`
 * (which sends `<stream>.retrieve#<key>` and listens to that event) gets the pushes; permissions, the subscription
 * limit, an explicit unsubscribe and `autoSubscribe: false` keep it in bounds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type TestClient } from '../helpers/client.js';
import { bindingSuite, queryAuth } from '../helpers/binding.js';
import { start } from '../helpers/server.js';
import { engines, uniqueTable } from '../models/stores.js';
import { createModels, openStore, type Store } from '../../src/models/index.js';

const QUIET_MS = 150;
const todo = (owner: number, extra: Record<string, unknown> = {}) => ({ title: 't', done: false, owner, secret: false, rank: 0, ...extra });

for (const engine of engines) {
  describe(`binding auto-subscription on ${engine.name}`, { skip: engine.skip }, () => {
    const fx = bindingSuite(engine, 'auto', {}, (fx) => {
      fx.rc.server.bind('shop.Todo.count', async (ctx) => ({ count: (await ctx.model!.list({}, { as: ctx.identity })).count }));
    });
    const { client, ask } = fx;

    test("useRetrieve's frames: the retrieve subscribes to the stream, and changes come under the event it listens to", async () => {
      const one = await fx.todos.create(todo(2, { title: 'one' }));
      const other = await fx.todos.create(todo(2, { title: 'other' }));
      const reader = await client('user=9');
      const writer = await client('user=2');
      const event = `shop.Todo.retrieve#${String(one.id)}`;
      assert.deepEqual(await ask(reader, event, {}), { event, data: one });
      // Another connection's write, then app code: each change once, as the retrieve payload or deleted.
      const updated = { ...one, done: true };
      // The writer joins the stream as it uses it, before the update runs: its own change reaches it, then the reply.
      assert.deepEqual(await ask(writer, `shop.Todo.update#${String(one.id)}`, { done: true }), { event, data: updated });
      assert.deepEqual(await writer.next(), { event: `shop.Todo.update#${String(one.id)}`, data: updated });
      assert.deepEqual(await reader.next(), { event, data: updated });
      await fx.todos.update(other.id, { rank: 7 });
      assert.deepEqual(await reader.next(), { event: `shop.Todo.retrieve#${String(other.id)}`, data: { ...other, rank: 7 } });
      await fx.todos.delete(one.id);
      assert.deepEqual(await reader.next(), { event: `shop.Todo.deleted#${String(one.id)}`, data: { id: one.id, deleted: true } });
      assert.deepEqual(await writer.next(), { event: `shop.Todo.retrieve#${String(other.id)}`, data: { ...other, rank: 7 } });
      assert.deepEqual(await writer.next(), { event: `shop.Todo.deleted#${String(one.id)}`, data: { id: one.id, deleted: true } });
      const made = (await writer.ask({ event: 'shop.Todo.create', data: todo(2) })) as { event: string; data: { id: number } };
      assert.equal(made.event, `shop.Todo.retrieve#${made.data.id}`);
      assert.equal(((await writer.next()) as { event: string }).event, 'shop.Todo.create');
      await reader.next();
      // The read rule still decides per change: a secret object of user 1 reaches neither.
      await fx.todos.create(todo(1, { secret: true }));
      await Promise.all([reader.silence(QUIET_MS), writer.silence(QUIET_MS)]);
    });

    test('every action and app event on a model stream subscribes, failed ones included; unknown events and subscribe#key do not', async () => {
      const uses: [string, unknown][] = [
        ['shop.Todo.search', { filters: { done: true } }],
        ['shop.Todo.list', {}],
        ['shop.Todo.retrieve#999999', {}],
        ['shop.Todo.delete#1', {}],
        ['shop.Todo.count#sidebar', {}],
      ];
      for (const [event, data] of uses) {
        const c = await client('user=9');
        assert.equal(((await ask(c, event, data)) as { event: string }).event, event);
        const made = await fx.todos.create(todo(3));
        assert.equal(((await c.next()) as { event: string }).event, `shop.Todo.retrieve#${String(made.id)}`, event);
      }
      const idle = await client('user=9');
      const kept = await fx.todos.create(todo(3));
      assert.equal(((await ask(idle, 'shop.Todo.nothing')) as { code: string }).code, 'no-binding');
      assert.equal(((await ask(idle, 'shop.Tag.retrieve#nope')) as { code: string }).code, 'not-found'); // another stream
      assert.deepEqual(((await ask(idle, `shop.Todo.subscribe#${String(kept.id)}`)) as { data: unknown }).data, { id: kept.id, subscribed: true });
      await fx.todos.create(todo(3));
      await idle.silence(QUIET_MS);
      await fx.todos.update(kept.id, { rank: 1 });
      assert.equal(((await idle.next()) as { event: string }).event, `shop.Todo.retrieve#${String(kept.id)}`);
    });

    test('an explicit unsubscribe leaves and stops auto-subscription to that stream until an explicit subscribe', async () => {
      const c = await client('user=9');
      await ask(c, 'shop.Todo.list');
      assert.deepEqual(await ask(c, 'shop.Todo.unsubscribe'), { event: 'shop.Todo.unsubscribe', data: { subscribed: false } });
      await ask(c, 'shop.Todo.list');
      await fx.todos.create(todo(3));
      await c.silence(QUIET_MS);
      // Another stream is still joined on use.
      await ask(c, 'shop.Tag.list');
      await fx.tags.create({ code: `t${Date.now()}`, label: 'x' });
      assert.equal(((await c.next()) as { event: string }).event.startsWith('shop.Tag.retrieve#'), true);
      assert.deepEqual(await ask(c, 'shop.Todo.subscribe'), { event: 'shop.Todo.subscribe', data: { subscribed: true } });
      const made = await fx.todos.create(todo(3));
      assert.equal(((await c.next()) as { event: string }).event, `shop.Todo.retrieve#${String(made.id)}`);
    });
  });
}

describe('auto-subscription limits and permissions', () => {
  let store: Store;
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    store = await openStore('sqlite::memory:');
  });
  after(async () => {
    for (const close of closers.reverse()) await close();
    await store.close();
  });

  /** A server over `shop.Note` (user 13 may read nothing of it) and `shop.Open`. */
  async function serve(binding: { maxSubscriptions?: number; autoSubscribe?: boolean }) {
    const models = createModels(store);
    const suffix = uniqueTable('');
    const notes = models.define({
      name: 'shop.Note',
      table: `note${suffix}`,
      fields: { id: 'key', text: 'text' },
      permissions: {
        read: (identity) => (identity.user as { id: number } | null)?.id !== 13,
      },
    });
    models.define({ name: 'shop.Open', table: `open${suffix}`, fields: { id: 'key', text: 'text' } });
    await models.migrate();
    const rc = await start({ auth: queryAuth, models, binding });
    closers.push(() => rc.close());
    const client = async (query: string): Promise<TestClient> => {
      const c = await connect(`ws://127.0.0.1:${rc.port}/ws/binding/?${query}`);
      closers.push(() => c.close());
      return c;
    };
    return { notes, client };
  }

  test('a connection that may read nothing of a stream is not subscribed to it', async () => {
    // With room for one subscription, the explicit subscribe below only fits if nothing was joined implicitly.
    const { client } = await serve({ maxSubscriptions: 1 });
    const nobody = await client('user=13');
    await nobody.ask({ event: 'shop.Note.list' });
    assert.deepEqual(await nobody.ask({ event: 'shop.Open.subscribe' }), { event: 'shop.Open.subscribe', data: { subscribed: true } });
    const reader = await client('user=1');
    await reader.ask({ event: 'shop.Note.list' });
    assert.equal(((await reader.ask({ event: 'shop.Open.subscribe' })) as { code: string }).code, 'too-many-subscriptions');
  });

  test('at maxSubscriptions a connection is not auto-subscribed, and its request is still answered', async () => {
    const { notes, client } = await serve({ maxSubscriptions: 1 });
    const c = await client('user=1');
    assert.deepEqual(await c.ask({ event: 'shop.Open.subscribe' }), { event: 'shop.Open.subscribe', data: { subscribed: true } });
    assert.deepEqual(await c.ask({ event: 'shop.Note.list' }), { event: 'shop.Note.list', data: { page: 1, limit: 25, count: 0, order: null, rows: [] } });
    await notes.create({ text: 'x' });
    await c.silence(QUIET_MS);
  });

  test('autoSubscribe: false joins only what a connection subscribes to', async () => {
    const { notes, client } = await serve({ autoSubscribe: false });
    const c = await client('user=1');
    await c.ask({ event: 'shop.Note.list' });
    const made = await notes.create({ text: 'x' });
    await c.silence(QUIET_MS);
    await c.ask({ event: `shop.Note.subscribe#${String(made.id)}` });
    await notes.update(made.id, { text: 'y' });
    assert.deepEqual(await c.next(), { event: `shop.Note.retrieve#${String(made.id)}`, data: { id: made.id, text: 'y' } });
  });
});
