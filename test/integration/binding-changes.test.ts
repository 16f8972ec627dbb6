/**
 * Binding subscriptions on a live server, on SQLite and PostgreSQL: a stream and one object (#hash), changes made by
 * another connection and by app code, exactly one frame per change, unsubscribe that really leaves, the read rule
 * filtering pushes, rollback publishing nothing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/server.js';
import { bindingSuite } from '../helpers/binding.js';
import { engines } from '../models/stores.js';

const QUIET_MS = 150;

for (const engine of engines) {
  describe(`binding changes on ${engine.name}`, { skip: engine.skip }, () => {
    // Explicit subscriptions only: pushes to writers that touched the stream are binding-auto-subscribe.test.ts's.
    const fx = bindingSuite(engine, 'binding', { autoSubscribe: false });
    const { client, ask } = fx;
    const todo = (owner: number, extra: Record<string, unknown> = {}) => ({ title: 't', done: false, owner, secret: false, rank: 0, ...extra });

    test('a stream subscriber gets retrieve#<key> after create and update, deleted#<key> after delete, from other connections and app code', async () => {
      const watcher = await client('user=9');
      const writer = await client('user=2');
      assert.deepEqual(await ask(watcher, 'shop.Todo.subscribe'), { event: 'shop.Todo.subscribe', data: { subscribed: true } });
      const { data: made } = (await ask(writer, 'shop.Todo.create', todo(2, { title: 'new' }))) as { data: { id: number } };
      assert.deepEqual(await watcher.next(), { event: `shop.Todo.retrieve#${made.id}`, data: made });
      const { data: updated } = (await ask(writer, `shop.Todo.update#${made.id}`, { done: true })) as { data: unknown };
      assert.deepEqual(await watcher.next(), { event: `shop.Todo.retrieve#${made.id}`, data: updated });
      await ask(writer, `shop.Todo.delete#${made.id}`);
      assert.deepEqual(await watcher.next(), { event: `shop.Todo.deleted#${made.id}`, data: { id: made.id, deleted: true } });
      // App code: no identity, no origin.
      const byApp = await fx.todos.create(todo(5, { title: 'from the app' }));
      assert.deepEqual(await watcher.next(), { event: `shop.Todo.retrieve#${String(byApp.id)}`, data: byApp });
      await fx.todos.update(byApp.id, { rank: 4 });
      assert.equal(((await watcher.next()) as { data: { rank: number } }).data.rank, 4);
      await fx.todos.delete(byApp.id);
      assert.deepEqual(await watcher.next(), { event: `shop.Todo.deleted#${String(byApp.id)}`, data: { id: byApp.id, deleted: true } });
      assert.deepEqual(await ask(watcher, 'shop.Todo.unsubscribe'), { event: 'shop.Todo.unsubscribe', data: { subscribed: false } });
      await fx.todos.create(todo(5));
      await watcher.silence(QUIET_MS);
      // Unsubscribing again is fine (idempotent).
      assert.deepEqual(await ask(watcher, 'shop.Todo.unsubscribe'), { event: 'shop.Todo.unsubscribe', data: { subscribed: false } });
    });

    test('a hashed subscription targets one object; the key may also come as data', async () => {
      const a = await fx.todos.create(todo(5, { title: 'a' }));
      const b = await fx.todos.create(todo(5, { title: 'b' }));
      const watcher = await client('user=9');
      assert.deepEqual(await ask(watcher, `shop.Todo.subscribe#${String(a.id)}`), { event: `shop.Todo.subscribe#${String(a.id)}`, data: { id: a.id, subscribed: true } });
      await fx.todos.update(b.id, { title: 'b2' });
      await watcher.silence(QUIET_MS);
      await fx.todos.update(a.id, { title: 'a2' });
      assert.deepEqual(await watcher.next(), { event: `shop.Todo.retrieve#${String(a.id)}`, data: { ...a, title: 'a2' } });
      assert.deepEqual(await ask(watcher, 'shop.Todo.unsubscribe', { id: a.id }), { event: 'shop.Todo.unsubscribe', data: { id: a.id, subscribed: false } });
      await fx.todos.update(a.id, { title: 'a3' });
      await watcher.silence(QUIET_MS);
      assert.deepEqual(await ask(watcher, 'shop.Todo.subscribe', { id: b.id }), { event: 'shop.Todo.subscribe', data: { id: b.id, subscribed: true } });
      await fx.todos.delete(b.id);
      assert.deepEqual(await watcher.next(), { event: `shop.Todo.deleted#${String(b.id)}`, data: { id: b.id, deleted: true } });
      // Subscribing to an object of another stream, or with a malformed key, is answered plainly.
      assert.deepEqual(await ask(watcher, 'shop.Todo.subscribe#x'), { event: 'shop.Todo.subscribe#x', error: 'shop.Todo "x" does not exist', code: 'not-found' });
      assert.deepEqual(await ask(watcher, 'shop.Nope.subscribe'), { event: 'shop.Nope.subscribe', error: 'No binding found for shop.Nope.subscribe', code: 'no-binding' });
    });

    test('subscribed to a stream and one of its objects: one frame per change, whichever is left', async () => {
      const a = await fx.todos.create(todo(5));
      const watcher = await client('user=9');
      await ask(watcher, `shop.Todo.subscribe#${String(a.id)}`);
      await ask(watcher, 'shop.Todo.subscribe');
      await ask(watcher, 'shop.Todo.subscribe');
      await fx.todos.update(a.id, { rank: 1 });
      assert.equal(((await watcher.next()) as { event: string }).event, `shop.Todo.retrieve#${String(a.id)}`);
      await watcher.silence(QUIET_MS);
      // Leaving the stream keeps the object.
      await ask(watcher, 'shop.Todo.unsubscribe');
      await fx.todos.create(todo(5));
      await fx.todos.update(a.id, { rank: 2 });
      assert.equal(((await watcher.next()) as { data: { rank: number } }).data.rank, 2);
      await watcher.silence(QUIET_MS);
      // Leaving the object while the stream covers it: the stream still delivers, once.
      await ask(watcher, 'shop.Todo.subscribe');
      await ask(watcher, `shop.Todo.unsubscribe#${String(a.id)}`);
      await fx.todos.update(a.id, { rank: 3 });
      assert.equal(((await watcher.next()) as { data: { rank: number } }).data.rank, 3);
      await watcher.silence(QUIET_MS);
    });

    test("the read rule decides who gets a change: a secret object's changes reach its owner and staff only", async () => {
      const owner = await client('user=4');
      const other = await client('user=9');
      const staff = await client('user=1&staff=1');
      for (const c of [owner, other, staff]) await ask(c, 'shop.Todo.subscribe');
      const secret = await fx.todos.create(todo(4, { secret: true }));
      assert.equal(((await owner.next()) as { event: string }).event, `shop.Todo.retrieve#${String(secret.id)}`);
      assert.equal(((await staff.next()) as { event: string }).event, `shop.Todo.retrieve#${String(secret.id)}`);
      await other.silence(QUIET_MS);
      // Hashed subscriptions are filtered the same way.
      await ask(other, `shop.Todo.subscribe#${String(secret.id)}`);
      await fx.todos.delete(secret.id);
      assert.equal(((await owner.next()) as { event: string }).event, `shop.Todo.deleted#${String(secret.id)}`);
      assert.equal(((await staff.next()) as { event: string }).event, `shop.Todo.deleted#${String(secret.id)}`);
      await other.silence(QUIET_MS);
    });

    test('a rolled-back transaction publishes nothing; a committed one publishes each change after commit, in order', async () => {
      const watcher = await client('user=9');
      await ask(watcher, 'shop.Todo.subscribe');
      await assert.rejects(
        fx.models.transaction(async (tx) => {
          await fx.todos.create(todo(5, { title: 'ghost' }), { tx });
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      await watcher.silence(QUIET_MS);
      const ghost = await fx.todos.search({ filters: { title: 'ghost' } });
      assert.equal(ghost.count, 0);
      const [x, y] = await fx.models.transaction(async (tx) => [await fx.todos.create(todo(5, { title: 'x' }), { tx }), await fx.todos.create(todo(5, { title: 'y' }), { tx })]);
      assert.deepEqual(await watcher.next(), { event: `shop.Todo.retrieve#${String(x?.id)}`, data: x });
      assert.deepEqual(await watcher.next(), { event: `shop.Todo.retrieve#${String(y?.id)}`, data: y });
    });

    test("a subscribed writer gets the change push first, then its reply (the change is published at commit)", async () => {
      const writer = await client('user=2');
      await ask(writer, 'shop.Todo.subscribe');
      writer.send({ event: 'shop.Todo.create', data: todo(2, { title: 'mine' }) });
      const push = (await writer.next()) as { event: string; data: { id: number } };
      const reply = (await writer.next()) as { event: string; data: { id: number } };
      assert.equal(push.event, `shop.Todo.retrieve#${reply.data.id}`);
      assert.equal(reply.event, 'shop.Todo.create');
      assert.deepEqual(push.data, reply.data);
    });

    test("a closed connection's subscriptions are gone with it", async () => {
      const groups = async (): Promise<number> => Number(/^roomcast_groups (\d+)$/m.exec(await (await fetch(`${fx.rc.url}/metrics`)).text())?.[1]);
      const before = await groups();
      const a = await fx.todos.create(todo(5));
      const watcher = await fx.client('user=9');
      await ask(watcher, `shop.Todo.subscribe#${String(a.id)}`);
      assert.equal(await groups(), before + 1);
      await watcher.close();
      await eventually(async () => assert.equal(await groups(), before));
    });
  });
}
