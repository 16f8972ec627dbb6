/**
 * Model operations on SQLite and on the local PostgreSQL: every operation, validation with every problem listed,
 * a Standard Schema validator, pagination edges, ordering both ways, filters, read and write permissions, changes
 * after commit only, bulk operations as one transaction with one change per object.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRoomMatcher } from '../../src/rooms/matcher.js';
import type { Identity } from '../../src/core/identity.js';
import { createModels, ModelError, type ChangeEvent, type Model, type Models, type StandardSchemaV1, type Store } from '../../src/models/index.js';
import { dropTables, engines, uniqueTable } from './stores.js';

const user = (id: number): Identity => ({ user: { id }, rooms: createRoomMatcher([]) });

/** A tiny Standard Schema validator: titles must not be empty; `done` defaults to false. */
const todoSchema: StandardSchemaV1 = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate(value) {
      const v = value as Record<string, unknown>;
      if (typeof v.title !== 'string' || v.title.trim() === '') return { issues: [{ message: 'must not be empty', path: ['title'] }] };
      return { value: { ...v, done: v.done ?? false } };
    },
  },
};

async function expectError(p: Promise<unknown>, code: ModelError['code']): Promise<ModelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof ModelError, `expected ModelError ${code}, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return err;
}

for (const engine of engines) {
  describe(`models on ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    let models: Models;
    let todos: Model;
    const changes: ChangeEvent[] = [];
    const tables: string[] = [];

    test('setup', async () => {
      store = await engine.open();
      models = createModels(store);
      const table = uniqueTable('todo');
      tables.push(table);
      todos = models.define({
        name: 'app.Todo',
        table,
        fields: { id: 'key', title: 'text', done: 'boolean', owner: 'integer', rank: 'number', meta: 'json', due: 'timestamp' },
        schema: todoSchema,
        pageSize: 3,
        maxPageSize: 5,
        permissions: {
          read: (identity) => ({ $or: [{ owner: (identity.user as { id: number }).id }, { owner: null }] }),
          create: (identity, data) => data.owner === (identity.user as { id: number }).id,
          update: (identity, object) => object.owner === (identity.user as { id: number }).id,
          delete: (identity, object) => object.owner === (identity.user as { id: number }).id,
        },
      });
      models.onChange((c) => changes.push(c));
      await models.migrate();
      await models.migrate(); // idempotent
    });

    after(async () => {
      await dropTables(store, tables);
      await store.close();
    });

    test('create, retrieve, update (partial), save (upsert), delete, each with one change after commit', async () => {
      changes.length = 0;
      const a = await todos.create({ title: 'write', owner: 1, meta: { tags: ['x'] }, due: '2026-11-24T12:00:00+01:00' });
      assert.deepEqual(a, { id: a.id, title: 'write', done: false, owner: 1, rank: null, meta: { tags: ['x'] }, due: '2026-11-24T11:00:00.000Z' });
      assert.deepEqual(await todos.retrieve(a.id), a);
      assert.deepEqual(await todos.retrieve(String(a.id)), a, 'keys from the wire are parsed');
      const updated = await todos.update(a.id, { done: true, rank: 2.5 });
      assert.equal(updated.done, true);
      assert.equal(updated.title, 'write');
      const saved = await todos.save({ id: a.id, title: 'rewrite' });
      assert.equal(saved.title, 'rewrite');
      assert.equal(saved.done, true);
      const created = await todos.save({ title: 'new one' });
      const gone = await todos.delete(created.id);
      assert.equal(gone.title, 'new one');
      await expectError(todos.retrieve(created.id), 'not-found');
      assert.deepEqual(
        changes.map((c) => [c.action, c.key, c.updatedFields]),
        [
          ['create', a.id, undefined],
          ['update', a.id, ['done', 'rank']],
          ['update', a.id, ['title']],
          ['create', created.id, undefined],
          ['delete', created.id, undefined],
        ],
      );
      assert.equal(changes[4]?.object.title, 'new one');
    });

    test('invalid input lists every problem; the schema runs on the merged object', async () => {
      const err = await expectError(todos.create({ title: 5, nope: 1, id: 9, done: 'yes' }), 'invalid');
      assert.deepEqual([...err.details].sort(), ['done: must be true or false', 'id: assigned by the database', 'nope: unknown field', 'title: must be a string']);
      const schema = await expectError(todos.create({ title: '  ' }), 'invalid');
      assert.deepEqual(schema.details, ['title: must not be empty']);
      const a = await todos.create({ title: 'ok' });
      const merged = await expectError(todos.update(a.id, { title: '' }), 'invalid');
      assert.deepEqual(merged.details, ['title: must not be empty']);
      await expectError(todos.create([1, 2]), 'invalid');
      await expectError(todos.update('abc', { title: 'x' }), 'not-found');
      await expectError(todos.update(999_999, { title: 'x' }), 'not-found');
    });

    test('rolled-back work emits nothing; committed work emits after commit', async () => {
      changes.length = 0;
      await assert.rejects(
        models.transaction(async (tx) => {
          await todos.create({ title: 'doomed' }, { tx });
          assert.equal(changes.length, 0, 'nothing before commit');
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.equal(changes.length, 0);
      assert.equal((await todos.search({ filters: { title: 'doomed' } })).count, 0);
      await models.transaction(async (tx) => {
        await todos.create({ title: 'kept 1' }, { tx });
        await todos.create({ title: 'kept 2' }, { tx });
        assert.equal(changes.length, 0);
      });
      assert.deepEqual(changes.map((c) => c.object.title), ['kept 1', 'kept 2']);
    });

    test('bulk operations: one transaction, one change per object; one failure undoes all', async () => {
      changes.length = 0;
      const made = await todos.bulkCreate([{ title: 'b1' }, { title: 'b2' }, { title: 'b3' }]);
      assert.equal(made.length, 3);
      await todos.bulkUpdate(made.map((m) => ({ key: m.id, changes: { done: true } })));
      await todos.bulkDelete(made.map((m) => m.id));
      assert.deepEqual(changes.map((c) => c.action), ['create', 'create', 'create', 'update', 'update', 'update', 'delete', 'delete', 'delete']);
      changes.length = 0;
      await expectError(todos.bulkCreate([{ title: 'c1' }, { title: '' }]), 'invalid');
      assert.equal((await todos.search({ filters: { title: 'c1' } })).count, 0);
      assert.equal(changes.length, 0);
    });

    test('search: filters, ordering both ways, pagination edges', async () => {
      const t = uniqueTable('rank');
      tables.push(t);
      const ranks = models.define({ name: `app.Rank${t.slice(-8)}`, table: t, fields: { id: 'key', n: 'integer', name: 'text', at: 'timestamp' }, pageSize: 3, maxPageSize: 5 });
      await models.migrate();
      await ranks.bulkCreate([5, 3, 9, 1, 7, 3, null].map((n, i) => ({ n, name: `item ${i} ${i % 2 === 0 ? '50%' : 'x_y'}`, at: `2026-01-0${i + 1}T00:00:00Z` })));
      const asc = await ranks.search({ order: 'n' });
      assert.deepEqual(asc.rows.map((r) => r.n), [1, 3, 3]);
      assert.deepEqual([asc.page, asc.limit, asc.count], [1, 3, 7]);
      const desc = await ranks.search({ order: '-n', limit: 100 });
      assert.equal(desc.limit, 5, 'limit clamped to maxPageSize');
      assert.deepEqual(desc.rows.map((r) => r.n), [9, 7, 5, 3, 3]);
      const last = await ranks.search({ order: 'n', page: 99 });
      assert.deepEqual([last.page, last.rows.map((r) => r.n)], [3, [null]], 'past the end: the last page; NULL sorts last');
      assert.equal((await ranks.search({ page: 'x' })).page, 1);
      assert.deepEqual((await ranks.search({ order: ['-n', 'name'], filters: { n: { in: [3, 9] } } })).rows.map((r) => r.n), [9, 3, 3]);
      assert.equal((await ranks.search({ filters: { name: { contains: '50%' } } })).count, 4);
      assert.equal((await ranks.search({ filters: { name: { contains: 'X_Y' } } })).count, 3);
      assert.equal((await ranks.search({ filters: { n: null } })).count, 1);
      assert.equal((await ranks.search({ filters: { n: { ne: 3 } } })).count, 5, 'ne keeps NULL rows, as in JS');
      assert.equal((await ranks.search({ filters: { at: { gte: '2026-01-05T01:00:00+01:00' } } })).count, 3);
      assert.equal((await ranks.search({ filters: { $or: [{ n: 1 }, { n: 9 }] } })).count, 2);
      const empty = await ranks.search({ filters: { n: 1000 } });
      assert.deepEqual([empty.page, empty.count, empty.rows.length], [1, 0, 0]);
      await expectError(ranks.search({ filters: { nope: 1 } }), 'invalid');
      await expectError(ranks.search({ order: 'nope' }), 'invalid');
      await expectError(ranks.search({ filters: { n: { between: 1 } } }), 'invalid');
    });

    test('permissions: the read rule hides rows from reads and counts; write rules refuse; app code may do anything', async () => {
      const mine = await todos.create({ title: 'mine', owner: 1 }, { as: user(1) });
      const theirs = await todos.create({ title: 'theirs', owner: 2 });
      await expectError(todos.create({ title: 'forged', owner: 2 }, { as: user(1) }), 'forbidden');
      assert.equal((await todos.retrieve(mine.id, { as: user(1) })).title, 'mine');
      await expectError(todos.retrieve(theirs.id, { as: user(1) }), 'not-found');
      const seen = await todos.search({ filters: { title: { in: ['mine', 'theirs'] } } }, { as: user(1) });
      assert.deepEqual(seen.rows.map((r) => r.title), ['mine']);
      assert.equal(seen.count, 1);
      await expectError(todos.update(theirs.id, { title: 'x' }, { as: user(1) }), 'not-found');
      await expectError(todos.delete(theirs.id, { as: user(1) }), 'not-found');
      const shared = await todos.create({ title: 'shared' });
      await expectError(todos.update(shared.id, { title: 'x' }, { as: user(1) }), 'forbidden');
      assert.equal((await todos.update(mine.id, { done: true }, { as: user(1) })).done, true);
      await todos.delete(theirs.id);
    });

    test('an object created with no fields gets its key and nulls, alone or in bulk (found by the filter property test)', async () => {
      const t = uniqueTable('bare');
      tables.push(t);
      const notes = models.define({ name: `app.Bare${t.slice(-8)}`, table: t, fields: { id: 'key', n: 'integer', note: 'text' } });
      await models.migrate();
      const one = await notes.create({});
      assert.equal(typeof one.id, 'number');
      assert.equal(one.n, null);
      const many = await notes.bulkCreate([{}, {}]);
      assert.equal(new Set([one.id, ...many.map((o) => o.id)]).size, 3);
      assert.equal((await notes.list()).count, 3);
    });

    test('text keys: save creates with the given key, then updates it; a duplicate create is a conflict', async () => {
      const t = uniqueTable('tag');
      tables.push(t);
      const tags = models.define({ name: `app.Tag${t.slice(-8)}`, table: t, key: 'slug', fields: { slug: 'text', label: 'text' } });
      await models.migrate();
      assert.deepEqual(await tags.save({ slug: 'red', label: 'Red' }), { slug: 'red', label: 'Red' });
      assert.deepEqual(await tags.save({ slug: 'red', label: 'Rood' }), { slug: 'red', label: 'Rood' });
      await expectError(tags.create({ slug: 'red', label: 'again' }), 'conflict');
      assert.equal((await tags.list()).count, 1);
    });

    test('edges both engines must treat alike: JSON strings, keys out of range, missing text keys, far years, non-ASCII contains, empty updates', async () => {
      const a = await todos.create({ title: 'École', meta: 'hello' });
      assert.equal(a.meta, 'hello');
      assert.equal((await todos.create({ title: 'n', meta: '42' })).meta, '42', 'a JSON string stays a string');
      await expectError(todos.retrieve(99_999_999_999), 'not-found');
      await expectError(todos.search({ filters: { id: { in: [1, 99_999_999_999] } } }), 'invalid');
      assert.ok((await todos.search({ filters: { id: { gt: 0 } } })).count > 0);
      const far = await expectError(todos.create({ title: 'far', due: '+010000-01-01T00:00:00Z' }), 'invalid');
      assert.match(far.details[0] ?? '', /^due: /);
      assert.equal((await todos.search({ filters: { title: { contains: 'éc' } } })).count, 1);
      const t = uniqueTable('slug');
      tables.push(t);
      const tags = models.define({ name: `app.Slug${t.slice(-8)}`, table: t, key: 'slug', fields: { slug: 'text', label: 'text' } });
      await models.migrate();
      for (const data of [{ label: 'x' }, { slug: null, label: 'x' }, { slug: '', label: 'x' }]) {
        assert.deepEqual((await expectError(tags.create(data), 'invalid')).details, ['slug: required']);
      }
      changes.length = 0;
      await todos.update(a.id, {});
      assert.equal(changes.length, 0, 'an update that writes nothing tells nothing');
    });

    test('a listener that throws after commit neither fails the write nor keeps the change from the others', async () => {
      const reported: unknown[] = [];
      models.attach({ nodeId: 'n', publish: () => {}, report: (err) => reported.push(err) });
      const off = models.onChange(() => {
        throw new Error('listener bug');
      });
      changes.length = 0;
      try {
        const a = await todos.create({ title: 'still saved' });
        assert.equal((await todos.retrieve(a.id)).title, 'still saved');
        assert.equal(changes.length, 1);
        assert.equal((reported[0] as Error).message, 'listener bug');
      } finally {
        off();
        models.attach(undefined);
      }
    });

    test('pushUpdate sends an update of the stored object without writing', async () => {
      const a = await todos.create({ title: 'pushed' });
      changes.length = 0;
      await todos.pushUpdate(a.id);
      assert.deepEqual(changes.map((c) => [c.action, c.key, c.object.title]), [['update', a.id, 'pushed']]);
    });
  });
}
