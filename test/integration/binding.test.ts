/**
 * The binding dialect's actions on a live server, on SQLite and PostgreSQL: retrieve (by data, by hash, batches),
 * search and list (filters, both orderings, pagination edges), create/update/save/delete with their permissions,
 * and every error frame. Changes and subscriptions: binding-changes.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestClient } from '../helpers/client.js';
import { startBinding, type BindingFixture } from '../helpers/binding.js';
import { dropTables, engines, uniqueTable } from '../models/stores.js';
import type { Store } from '../../src/models/index.js';

for (const engine of engines) {
  describe(`binding actions on ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    let fx: BindingFixture;
    let alice: TestClient; // user 1
    let bob: TestClient; // user 2
    const ask = (c: TestClient, event: string, data?: unknown): Promise<unknown> => c.ask(data === undefined ? { event } : { event, data });

    before(async () => {
      store = await engine.open();
      // Explicit subscriptions only: pushes to writers that touched the stream are binding-auto-subscribe.test.ts's.
      fx = await startBinding(store, { todo: uniqueTable('binding_todo'), tag: uniqueTable('binding_tag') }, { autoSubscribe: false });
      // 30 rows: ranks 1..30, every third one secret and owned by user 1; the rest owned by user 2.
      await fx.todos.bulkCreate(
        Array.from({ length: 30 }, (_, i) => ({ title: `todo ${String(i + 1).padStart(2, '0')}`, done: i % 2 === 0, owner: i % 3 === 0 ? 1 : 2, secret: i % 3 === 0, rank: i + 1 })),
      );
      alice = await fx.client('user=1');
      bob = await fx.client('user=2');
    });
    after(async () => {
      await alice.close();
      await bob.close();
      await fx.close();
      await dropTables(store, fx.tables);
      await store.close();
    });

    test('retrieve by data id or by hash (the hash wins); replies echo the raw event', async () => {
      const two = { id: 2, title: 'todo 02', done: false, owner: 2, secret: false, rank: 2 };
      assert.deepEqual(await ask(bob, 'shop.Todo.retrieve', { id: 2 }), { event: 'shop.Todo.retrieve', data: two });
      assert.deepEqual(await ask(bob, 'shop.Todo.retrieve#2'), { event: 'shop.Todo.retrieve#2', data: two });
      assert.deepEqual(await ask(bob, 'shop.Todo.retrieve# 2 ', { id: 3 }), { event: 'shop.Todo.retrieve# 2 ', data: two });
      assert.deepEqual(await ask(bob, 'shop.Todo.retrieve', { id: '2' }), { event: 'shop.Todo.retrieve', data: two });
    });

    test('retrieve errors: not found, not readable (told the same), malformed and missing keys', async () => {
      assert.deepEqual(await ask(bob, 'shop.Todo.retrieve#999'), { event: 'shop.Todo.retrieve#999', error: 'shop.Todo 999 does not exist', code: 'not-found' });
      // Row 1 is secret and owned by user 1: bob cannot tell it from a missing one; alice (owner) reads it.
      assert.deepEqual(await ask(bob, 'shop.Todo.retrieve#1'), { event: 'shop.Todo.retrieve#1', error: 'shop.Todo 1 does not exist', code: 'not-found' });
      assert.equal(((await ask(alice, 'shop.Todo.retrieve#1')) as { data: { id: number } }).data.id, 1);
      assert.deepEqual(await ask(bob, 'shop.Todo.retrieve#left'), { event: 'shop.Todo.retrieve#left', error: 'shop.Todo "left" does not exist', code: 'not-found' });
      // A key of 65,000 digits: as a hash it is quoted as sent (cut to 64 characters); as a JSON number (a double:
      // Infinity) it is said to be no key, as is an integer past 2^53, whose double is not what was sent.
      const digits = '9'.repeat(65_000);
      assert.deepEqual(await ask(bob, `shop.Todo.retrieve#${digits}`), { event: `shop.Todo.retrieve#${digits}`, error: `shop.Todo "${'9'.repeat(63)}… does not exist`, code: 'not-found' });
      for (const big of [digits, '12345678901234567890', '1e400']) {
        bob.send(`{"event":"shop.Todo.subscribe","data":{"id":${big}}}`);
        assert.deepEqual(await bob.next(), { event: 'shop.Todo.subscribe', error: 'shop.Todo: not a valid key (a number no key can be)', code: 'not-found' });
      }
      // A text key too: Infinity is not the key "Infinity".
      bob.send(`{"event":"shop.Tag.retrieve","data":{"code":${digits}}}`);
      assert.deepEqual(await bob.next(), { event: 'shop.Tag.retrieve', error: 'shop.Tag: not a valid key (a number no key can be)', code: 'not-found' });
      assert.deepEqual(await ask(bob, 'shop.Todo.retrieve', {}), {
        event: 'shop.Todo.retrieve',
        error: 'shop.Todo.retrieve needs the object\'s key: send "shop.Todo.retrieve#<id>" or {"id": …} as data',
        code: 'invalid',
      });
    });

    test('retrieve a batch: an array in the order asked, missing and unreadable keys skipped', async () => {
      const reply = (await ask(bob, 'shop.Todo.retrieve', { id: [5, 1, 999, 2, 5, 'x'] })) as { event: string; data: { id: number }[] };
      assert.deepEqual(reply.data.map((o) => o.id), [5, 2]);
      assert.deepEqual(await ask(bob, 'shop.Todo.retrieve', { id: [] }), { event: 'shop.Todo.retrieve', data: [] });
      const tooMany = (await ask(bob, 'shop.Todo.retrieve', { id: Array.from({ length: 101 }, (_, i) => i) })) as { error: string; code: string };
      assert.deepEqual(tooMany, { event: 'shop.Todo.retrieve', error: 'shop.Todo.retrieve: at most 100 keys at once', code: 'invalid' });
    });

    test('search: {page, limit, count, order, rows}, default page size 25, order echoed or null', async () => {
      const page = (await ask(bob, 'shop.Todo.search', {})) as { data: { page: number; limit: number; count: number; order: unknown; rows: { id: number }[] } };
      // bob reads the 20 rows that are not secret.
      assert.deepEqual({ ...page.data, rows: page.data.rows.length }, { page: 1, limit: 25, count: 20, order: null, rows: 20 });
      const filtered = (await ask(bob, 'shop.Todo.search#left', { filters: { done: true, rank: { lte: 10 } }, order: 'rank' })) as {
        event: string;
        data: { count: number; order: unknown; rows: { rank: number }[] };
      };
      assert.equal(filtered.event, 'shop.Todo.search#left');
      assert.deepEqual(filtered.data.rows.map((r) => r.rank), [3, 5, 9]);
      assert.equal(filtered.data.count, 3);
      assert.equal(filtered.data.order, 'rank');
      const text = (await ask(bob, 'shop.Todo.search', { filters: { title: { contains: 'TODO 1' } } })) as { data: { count: number } };
      assert.equal(text.data.count, 6); // ranks 10..19, less the secret 10, 13, 16 and 19
    });

    test('ordering sorts the way it says: "field" ascending, "-field" descending, lists, stable by key', async () => {
      const ranks = async (order: unknown): Promise<number[]> =>
        ((await ask(alice, 'shop.Todo.search', { order, limit: 5 })) as { data: { rows: { rank: number }[] } }).data.rows.map((r) => r.rank);
      assert.deepEqual(await ranks('rank'), [1, 2, 3, 4, 5]);
      assert.deepEqual(await ranks('-rank'), [30, 29, 28, 27, 26]);
      assert.deepEqual(await ranks(['-done', '-rank']), [29, 27, 25, 23, 21]);
      assert.deepEqual(await ranks('done, rank'), [2, 4, 6, 8, 10]);
      const bad = await ask(alice, 'shop.Todo.search', { order: '-nope' });
      assert.deepEqual(bad, { event: 'shop.Todo.search', error: "search: cannot order by unknown field 'nope'", code: 'invalid' });
    });

    test('pagination edges: page past the end is the last page, limit clamped to 1..maxPageSize, bad page reads 1', async () => {
      const page = async (data: Record<string, unknown>) => ((await ask(alice, 'shop.Todo.search', { order: 'rank', ...data })) as { data: { page: number; limit: number; count: number; rows: { rank: number }[] } }).data;
      // alice reads all 30 (her 10 secret rows and the 20 others).
      const last = await page({ page: 99, limit: 7 });
      assert.deepEqual([last.page, last.limit, last.count, last.rows.map((r) => r.rank)], [5, 7, 30, [29, 30]]);
      const second = await page({ page: '2', limit: '10' });
      assert.deepEqual([second.page, second.rows[0]?.rank], [2, 11]);
      const clamped = await page({ limit: 1000 });
      assert.deepEqual([clamped.limit, clamped.rows.length], [100, 30]);
      const tiny = await page({ limit: 0, page: 'x' });
      assert.deepEqual([tiny.page, tiny.limit, tiny.rows.length], [1, 1, 1]);
      const empty = (await ask(alice, 'shop.Todo.search', { filters: { rank: { gt: 100 } }, page: 3 })) as { data: unknown };
      assert.deepEqual(empty.data, { page: 1, limit: 25, count: 0, order: null, rows: [] });
      // Django's get_page, as channels-binding 1.9.8 calls it: below 1 is the last page; what int() cannot read is 1.
      for (const below of [0, -1, '-3', ' 0 ', false]) assert.equal((await page({ page: below, limit: 7 })).page, 5, `page ${JSON.stringify(below)}`);
      for (const unread of [2.5, '2.5', 'x', '', null, [2], { n: 2 }, true]) assert.equal((await page({ page: unread, limit: 7 })).page, 1, `page ${JSON.stringify(unread)}`);
      assert.equal((await page({ page: ' 3\n', limit: 7 })).page, 3);
      assert.equal((await page({ page: '99999999999999999999999', limit: 7 })).page, 5);
      const emptyBelow = (await ask(alice, 'shop.Todo.search', { filters: { rank: { gt: 100 } }, page: 0 })) as { data: { page: number } };
      assert.equal(emptyBelow.data.page, 1);
      assert.equal(((await ask(alice, 'shop.Todo.list', { limit: 7, page: -1 })) as { data: { page: number } }).data.page, 5);
    });

    test('a list value in filters means one of (in), an empty list no condition, as channels-binding apps filter', async () => {
      const ranks = async (filters: unknown) => ((await ask(alice, 'shop.Todo.search', { order: 'rank', filters })) as { data: { rows: { rank: number }[] } }).data.rows.map((r) => r.rank);
      assert.deepEqual(await ranks({ rank: [3, 1, 7] }), [1, 3, 7]);
      assert.deepEqual(await ranks({ rank: [3, 1, 7], done: true }), [1, 3, 7]);
      assert.deepEqual(await ranks({ rank: { lte: 3 }, title: [] }), [1, 2, 3]);
      assert.deepEqual(await ranks({ $or: [{ rank: [1, 2] }, { rank: 30 }] }), [1, 2, 30]);
      assert.deepEqual(await ask(alice, 'shop.Todo.search', { filters: { rank: ['x'] } }), { event: 'shop.Todo.search', error: 'search: rank: must be an integer', code: 'invalid' });
    });

    test('search errors are invalid with the reason', async () => {
      assert.deepEqual(await ask(bob, 'shop.Todo.search', { filters: { nope: 1 } }), { event: 'shop.Todo.search', error: "search: unknown field 'nope'", code: 'invalid' });
      assert.deepEqual(await ask(bob, 'shop.Todo.search', { filters: 'x' }), { event: 'shop.Todo.search', error: 'search: filters must be an object', code: 'invalid' });
      assert.deepEqual(await ask(bob, 'shop.Todo.search', [1]), { event: 'shop.Todo.search', error: 'shop.Todo.search: data must be a JSON object', code: 'invalid' });
      // A list filter's values count toward the 1,000 compared values, across $or branches.
      const ranks = Array.from({ length: 600 }, (_, i) => i);
      assert.deepEqual(await ask(bob, 'shop.Todo.search', { filters: { $or: [{ rank: ranks }, { rank: ranks }] } }), {
        event: 'shop.Todo.search',
        error: 'search: filters compare more than 1000 values',
        code: 'invalid',
      });
    });

    test('list: the same page shape, no filters', async () => {
      const listed = (await ask(bob, 'shop.Todo.list', { order: '-rank', limit: 3, page: 2, filters: { rank: 1 } })) as { data: { page: number; limit: number; count: number; order: unknown; rows: { rank: number }[] } };
      assert.deepEqual({ ...listed.data, rows: listed.data.rows.map((r) => r.rank) }, { page: 2, limit: 3, count: 20, order: '-rank', rows: [26, 24, 23] });
      const plain = (await ask(bob, 'shop.Todo.list')) as { data: { limit: number; order: unknown } };
      assert.deepEqual([plain.data.limit, plain.data.order], [25, null]);
    });

    test('create: the new object; write rules refuse with forbidden; bad data is invalid with details', async () => {
      const created = (await ask(bob, 'shop.Todo.create#new-1', { title: 'buy milk', done: false, owner: 2, secret: false, rank: 100 })) as { event: string; data: { id: number } };
      assert.equal(created.event, 'shop.Todo.create#new-1');
      assert.deepEqual(created.data, { id: created.data.id, title: 'buy milk', done: false, owner: 2, secret: false, rank: 100 });
      assert.deepEqual(await ask(bob, 'shop.Todo.create', { title: 'as alice', owner: 1 }), { event: 'shop.Todo.create', error: 'create: not allowed on shop.Todo', code: 'forbidden' });
      assert.deepEqual(await ask(bob, 'shop.Todo.create', { title: 5, owner: 2, colour: 'red', id: 7 }), {
        event: 'shop.Todo.create',
        error: 'create: invalid data',
        code: 'invalid',
        details: ['title: must be a string', 'colour: unknown field', 'id: assigned by the database'],
      });
      // 5,000 problems: the first 20, then how many more (not a reply the size of a 64 KB frame again).
      const unknown = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, 1]));
      assert.deepEqual(await ask(bob, 'shop.Todo.create', { title: 'x', owner: 2, ...unknown }), {
        event: 'shop.Todo.create',
        error: 'create: invalid data',
        code: 'invalid',
        details: [...Array.from({ length: 20 }, (_, i) => `f${i}: unknown field`), 'and 4,980 more'],
      });
      await ask(bob, 'shop.Todo.delete', { id: created.data.id });
    });

    test('update: partial, by data id or hash; only the owner may; the key cannot be smuggled in', async () => {
      const { data: made } = (await ask(bob, 'shop.Todo.create', { title: 'draft', done: false, owner: 2, secret: false, rank: 200 })) as { data: { id: number } };
      const id = made.id;
      const byData = (await ask(bob, 'shop.Todo.update', { id, title: 'final' })) as { data: unknown };
      assert.deepEqual(byData.data, { id, title: 'final', done: false, owner: 2, secret: false, rank: 200 });
      const byHash = (await ask(bob, `shop.Todo.update#${id}`, { done: true, id: 999 })) as { event: string; data: unknown };
      assert.deepEqual(byHash, { event: `shop.Todo.update#${id}`, data: { id, title: 'final', done: true, owner: 2, secret: false, rank: 200 } });
      assert.deepEqual(await ask(alice, `shop.Todo.update#${id}`, { title: 'mine' }), { event: `shop.Todo.update#${id}`, error: `update: not allowed on shop.Todo ${id}`, code: 'forbidden' });
      assert.deepEqual(await ask(bob, 'shop.Todo.update#999', { title: 'x' }), { event: 'shop.Todo.update#999', error: 'shop.Todo 999 does not exist', code: 'not-found' });
      assert.deepEqual(await ask(bob, `shop.Todo.update#${id}`, { rank: 'high' }), { event: `shop.Todo.update#${id}`, error: 'update: invalid data', code: 'invalid', details: ['rank: must be an integer'] });
      assert.deepEqual(((await ask(bob, 'shop.Todo.update', { title: 'x' })) as { code: string }).code, 'invalid');
      await ask(bob, 'shop.Todo.delete', { id });
    });

    test('save upserts: without a key it creates, with an existing one it updates; text keys create on an unknown key', async () => {
      const { data: created } = (await ask(bob, 'shop.Todo.save', { title: 'saved', owner: 2, secret: false, rank: 300 })) as { data: { id: number; title: string } };
      assert.equal(created.title, 'saved');
      const updated = (await ask(bob, 'shop.Todo.save', { id: created.id, title: 'saved again' })) as { data: { id: number; title: string; rank: number } };
      assert.deepEqual([updated.data.id, updated.data.title, updated.data.rank], [created.id, 'saved again', 300]);
      const byHash = (await ask(bob, `shop.Todo.save#${created.id}`, { done: true })) as { data: { done: boolean; title: string } };
      assert.deepEqual([byHash.data.done, byHash.data.title], [true, 'saved again']);
      // A database-assigned key that does not exist cannot be created by save.
      assert.deepEqual(await ask(bob, 'shop.Todo.save', { id: 9999, title: 'x', owner: 2 }), { event: 'shop.Todo.save', error: 'shop.Todo 9999 does not exist', code: 'not-found' });
      assert.deepEqual(await ask(bob, 'shop.Tag.save', { code: 'red', label: 'Red' }), { event: 'shop.Tag.save', data: { code: 'red', label: 'Red' } });
      assert.deepEqual(await ask(bob, 'shop.Tag.save#red', { label: 'Rood' }), { event: 'shop.Tag.save#red', data: { code: 'red', label: 'Rood' } });
      assert.deepEqual(await ask(bob, 'shop.Tag.create', { code: 'red', label: 'again' }), { event: 'shop.Tag.create', error: 'create: shop.Tag red already exists', code: 'conflict' });
      assert.deepEqual(await ask(bob, 'shop.Tag.retrieve#red'), { event: 'shop.Tag.retrieve#red', data: { code: 'red', label: 'Rood' } });
      await ask(bob, 'shop.Todo.delete', { id: created.id });
    });

    test('delete: {"<key>": key, "deleted": true}; then not found; only owner or staff; unreadable is not found', async () => {
      const { data: made } = (await ask(bob, 'shop.Todo.create', { title: 'bin', owner: 2, secret: false })) as { data: { id: number } };
      assert.deepEqual(await ask(alice, `shop.Todo.delete#${made.id}`), { event: `shop.Todo.delete#${made.id}`, error: `delete: not allowed on shop.Todo ${made.id}`, code: 'forbidden' });
      assert.deepEqual(await ask(bob, `shop.Todo.delete#${made.id}`), { event: `shop.Todo.delete#${made.id}`, data: { id: made.id, deleted: true } });
      assert.deepEqual(await ask(bob, 'shop.Todo.delete', { id: made.id }), { event: 'shop.Todo.delete', error: `shop.Todo ${made.id} does not exist`, code: 'not-found' });
      assert.deepEqual(await ask(bob, 'shop.Todo.delete#1'), { event: 'shop.Todo.delete#1', error: 'shop.Todo 1 does not exist', code: 'not-found' });
      const staff = await fx.client('user=3&staff=1');
      const { data: other } = (await ask(bob, 'shop.Todo.create', { title: 'tidy', owner: 2, secret: false })) as { data: { id: number } };
      assert.deepEqual(await ask(staff, `shop.Todo.delete#${other.id}`), { event: `shop.Todo.delete#${other.id}`, data: { id: other.id, deleted: true } });
      assert.deepEqual(await ask(bob, 'shop.Tag.delete#red'), { event: 'shop.Tag.delete#red', error: 'delete: not allowed on shop.Tag red', code: 'forbidden' });
      await staff.close();
    });

    test('no binding for unknown streams or actions (channels-binding\'s string); the connection stays open', async () => {
      assert.deepEqual(await ask(bob, 'shop.Nope.retrieve#1'), { event: 'shop.Nope.retrieve#1', error: 'No binding found for shop.Nope.retrieve#1', code: 'no-binding' });
      assert.deepEqual(await ask(bob, 'shop.Todo.form'), { event: 'shop.Todo.form', error: 'No binding found for shop.Todo.form', code: 'no-binding' });
      assert.deepEqual(await ask(bob, 'retrieve'), { event: 'retrieve', error: 'No binding found for retrieve', code: 'no-binding' });
      assert.deepEqual(await bob.ask('{"event": '), { error: 'Invalid JSON: unexpected end of input at character 10', code: 'bad-frame' });
      assert.deepEqual(await bob.ask([]), { error: 'A message must be a JSON object: {"event": "<stream>.<action>", "data": {…}}', code: 'bad-frame' });
      assert.deepEqual(await bob.ask({ data: {} }), { error: "Missing required field 'event'", code: 'bad-frame' });
      assert.equal(((await ask(bob, 'shop.Todo.retrieve#2')) as { data: { id: number } }).data.id, 2);
    });

    test('replies come in request order', async () => {
      bob.send({ event: 'shop.Todo.search', data: { limit: 100 } });
      bob.send({ event: 'shop.Todo.retrieve#2' });
      bob.send({ event: 'nope.x' });
      bob.send({ event: 'shop.Todo.list#b' });
      const events = [];
      for (let i = 0; i < 4; i++) events.push(((await bob.next()) as { event: string }).event);
      assert.deepEqual(events, ['shop.Todo.search', 'shop.Todo.retrieve#2', 'nope.x', 'shop.Todo.list#b']);
    });
  });
}
