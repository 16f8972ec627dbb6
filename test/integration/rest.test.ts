/**
 * The REST API on a live server, on SQLite and PostgreSQL: every route, list filters, ordering and pagination
 * edges, permissions from the same auth strategy as WebSockets, and change events from REST writes reaching a
 * rohrpost subscriber. Errors, auth failures and request checks are in rest-errors.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeEvent } from '../../src/models/index.js';
import { connect } from '../helpers/client.js';
import { call, startRest, type RestFixture } from '../helpers/rest.js';
import { engines } from '../models/stores.js';

interface PageBody {
  page: number;
  limit: number;
  count: number;
  rows: { id: number; title: string | null; rank: number }[];
}

for (const engine of engines) {
  describe(`REST on ${engine.name}`, { skip: engine.skip }, () => {
    let f: RestFixture;
    const api = (method: string, path: string, options?: Parameters<typeof call>[3]) => call(f.rc.url, method, `/api/app/${path}`, options);
    const list = async (query: string, user = 1): Promise<PageBody> => {
      const res = await api('GET', `item/?${query}`, { user });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as PageBody;
    };
    const titles = (page: PageBody): (string | null)[] => page.rows.map((r) => r.title);

    before(async () => {
      f = await startRest(engine);
    });
    after(() => f?.close());

    test('list: the read rule applies, pages default to the model pageSize, ordered by key', async () => {
      assert.deepEqual(await list(''), { page: 1, limit: 3, count: 6, rows: (await list('')).rows });
      assert.deepEqual(titles(await list('')), ['alpha', 'beta', 'gamma']);
      assert.equal((await list('', 2)).count, 3);
      assert.equal((await list('', 0)).count, 7);
      const noSlash = await call(f.rc.url, 'GET', '/api/app/item', { user: 1 });
      assert.equal((noSlash.body as PageBody).count, 6);
    });

    test('list: pagination edges — past the end reads the last page, limit is clamped', async () => {
      assert.deepEqual(titles(await list('page=2')), [null, 'epsilon', 'gee']);
      const past = await list('page=99');
      assert.equal(past.page, 2);
      assert.deepEqual(titles(past), [null, 'epsilon', 'gee']);
      assert.equal((await list('page=0')).page, 1);
      const big = await list('limit=100');
      assert.equal(big.limit, 5);
      assert.equal(big.rows.length, 5);
      const small = await list('limit=0&page=6');
      assert.deepEqual([small.limit, small.page, small.rows.length], [1, 6, 1]);
    });

    test('list: ordering both ways, several keys', async () => {
      assert.deepEqual(titles(await list('order=rank')), [null, 'beta', 'gee']);
      assert.deepEqual(titles(await list('order=-rank')), ['gamma', 'epsilon', 'alpha']);
      assert.deepEqual(titles(await list('order=-done,rank&limit=5')), ['alpha', 'gamma', null, 'beta', 'gee']);
      assert.deepEqual(titles(await list('order=title&limit=5')), ['alpha', 'beta', 'epsilon', 'gamma', 'gee']);
    });

    test('list: query-string filters, typed by field', async () => {
      assert.deepEqual(titles(await list('done=true')), ['alpha', 'gamma']);
      assert.deepEqual(titles(await list('done=false&order=-rank')), ['epsilon', 'gee', 'beta']);
      assert.deepEqual(titles(await list('rank__gte=5&order=rank')), ['alpha', 'epsilon', 'gamma']);
      assert.deepEqual(titles(await list('rank__lt=3')), [null]);
      assert.deepEqual(titles(await list('rank__in=1,9,2&order=rank')), [null, 'gamma']);
      assert.deepEqual(titles(await list('title__contains=PH')), ['alpha']);
      assert.deepEqual(titles(await list('title__contains=PH', 2)), ['phi']);
      assert.deepEqual(titles(await list('title__isnull=true')), [null]);
      assert.equal((await list('title__isnull=false')).count, 5);
      assert.deepEqual(titles(await list('title__ne=alpha&done=true')), ['gamma']);
      assert.deepEqual(titles(await list('due__lt=2026-02-01T00:00:00Z')), ['alpha']);
      assert.deepEqual(titles(await list(`id=${f.items.beta}`)), ['beta']);
      assert.deepEqual(titles(await list(`filters=${encodeURIComponent('{"$or":[{"rank":1},{"rank":9}]}')}&order=rank`)), [null, 'gamma']);
      assert.deepEqual(titles(await list(`filters=${encodeURIComponent('{"$or":[{"rank":1},{"rank":9}]}')}&done=true`)), ['gamma']);
      assert.deepEqual(titles(await list('token=1&done=true', 1)), ['alpha', 'gamma']);
    });

    test('list: bad queries are 400 with a clear message', async () => {
      const bad = async (query: string, pattern: RegExp): Promise<void> => {
        const res = await api('GET', `item/?${query}`, { user: 1 });
        assert.equal(res.status, 400, query);
        assert.match((res.body as { error: string }).error, pattern);
      };
      await bad('colour=red', /unknown query parameter 'colour'/);
      await bad('rank__near=1', /unknown filter operator 'near'/);
      await bad('rank=high', /rank: 'high' is not a number/);
      await bad('order=-colour', /unknown field 'colour'/);
      await bad('page=last', /page must be a whole number/);
      await bad('meta=1', /JSON field/);
    });

    test('retrieve: readable objects only; the rest look missing', async () => {
      const res = await api('GET', `item/${f.items.alpha}/`, { user: 1 });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { id: f.items.alpha, ...{ title: 'alpha', rank: 5, done: true, owner: 1, public: false, meta: null, due: '2026-01-01T00:00:00.000Z' } });
      assert.equal((await api('GET', `item/${f.items.gee}/`, { user: 1 })).status, 200, 'public');
      for (const [path, user] of [[`item/${f.items.alpha}/`, 2], ['item/999999/', 1], ['item/abc/', 1]] as const) {
        const missing = await api('GET', path, { user });
        assert.equal(missing.status, 404, path);
        assert.match((missing.body as { error: string }).error, /does not exist/);
      }
      const noModel = await call(f.rc.url, 'GET', '/api/app/nothing/', { user: 1 });
      assert.deepEqual([noModel.status, noModel.body], [404, { error: 'no model at /api/app/nothing/' }]);
      assert.equal((await call(f.rc.url, 'GET', '/api/App/item/', { user: 1 })).status, 404, 'the app is lower case');
    });

    test('create: 201 with Location; write rules and validation as over WebSocket', async () => {
      const res = await api('POST', 'todo/', { user: 1, body: { title: 'write docs', done: false, owner: 1, meta: { tags: ['a'] } } });
      assert.equal(res.status, 201);
      const created = res.body as { id: number; title: string; meta: unknown };
      assert.equal(created.title, 'write docs');
      assert.deepEqual(created.meta, { tags: ['a'] });
      assert.equal(res.headers.get('location'), `/api/app/todo/${created.id}/`);
      const again = await call(f.rc.url, 'GET', res.headers.get('location') ?? '', { user: 1 });
      assert.deepEqual(again.body, created);

      const forbidden = await api('POST', 'todo/', { user: 1, body: { title: 'not mine', owner: 2 } });
      assert.deepEqual([forbidden.status, forbidden.body], [403, { error: 'create: not allowed on app.Todo' }]);
      const invalid = await api('POST', 'todo/', { user: 1, body: { title: 7, colour: 'red', owner: 1, id: 5 } });
      assert.equal(invalid.status, 400);
      assert.deepEqual(invalid.body, { error: 'create: invalid data', details: ['title: must be a string', 'colour: unknown field', 'id: assigned by the database'] });
      assert.equal((await api('POST', 'todo/', { user: 1, body: [1] })).status, 400);
    });

    test('update (PATCH): own objects; readable but not writable is 403, unreadable is 404', async () => {
      const mine = (await f.todo.create({ title: 'mine', owner: 1, public: true })) as { id: number };
      const res = await api('PATCH', `todo/${mine.id}/`, { user: 1, body: { done: true } });
      assert.equal(res.status, 200);
      assert.equal((res.body as { done: boolean }).done, true);
      assert.equal((res.body as { title: string }).title, 'mine');
      const theirs = await api('PATCH', `todo/${mine.id}/`, { user: 2, body: { done: false } });
      assert.deepEqual([theirs.status, theirs.body], [403, { error: `update: not allowed on app.Todo ${mine.id}` }]);
      const hidden = (await f.todo.create({ title: 'hidden', owner: 1 })) as { id: number };
      assert.equal((await api('PATCH', `todo/${hidden.id}/`, { user: 2, body: { done: false } })).status, 404);
      assert.equal((await api('PATCH', `todo/${mine.id}/`, { user: 1, body: { owner: 2 } })).status, 403);
      const invalid = await api('PATCH', `todo/${mine.id}/`, { user: 1, body: { done: 'yes' } });
      assert.deepEqual([invalid.status, invalid.body], [400, { error: 'update: invalid data', details: ['done: must be true or false'] }]);
      assert.equal(((await f.todo.retrieve(mine.id)) as { done: boolean }).done, true);
    });

    test('save (PUT): upsert with the key from the URL — 201 when created, 200 when updated', async () => {
      const created = await api('PUT', 'tag/red/', { user: 1, body: { label: 'Red', owner: 1 } });
      assert.deepEqual([created.status, created.body], [201, { slug: 'red', label: 'Red', owner: 1, public: null }]);
      assert.equal(created.headers.get('location'), '/api/app/tag/red/');
      const updated = await api('PUT', 'tag/red/', { user: 1, body: { slug: 'red', label: 'Rood' } });
      assert.deepEqual([updated.status, updated.body], [200, { slug: 'red', label: 'Rood', owner: 1, public: null }]);
      const mismatch = await api('PUT', 'tag/red/', { user: 1, body: { slug: 'blue', label: 'x' } });
      assert.deepEqual([mismatch.status, mismatch.body], [400, { error: "save: the body's slug differs from the URL's" }]);
      assert.equal((await api('PUT', 'tag/green/', { user: 1, body: { label: 'x', owner: 2 } })).status, 403);
      const spaced = await api('PUT', `tag/${encodeURIComponent('dark blue')}/`, { user: 1, body: { owner: 1 } });
      assert.equal(spaced.headers.get('location'), '/api/app/tag/dark%20blue/');
      // A database-assigned key that does not exist cannot be created by PUT.
      assert.equal((await api('PUT', 'todo/999999/', { user: 1, body: { title: 'x', owner: 1 } })).status, 404);
      const todo = (await f.todo.create({ title: 'put me', owner: 1 })) as { id: number };
      const put = await api('PUT', `todo/${todo.id}/`, { user: 1, body: { title: 'put' } });
      assert.deepEqual([put.status, (put.body as { title: string }).title], [200, 'put']);
    });

    test('delete: 200 with the object as it was; then 404', async () => {
      const todo = (await f.todo.create({ title: 'bye', owner: 1, public: true })) as { id: number };
      assert.equal((await api('DELETE', `todo/${todo.id}/`, { user: 2 })).status, 403);
      const res = await api('DELETE', `todo/${todo.id}/`, { user: 1 });
      assert.deepEqual([res.status, (res.body as { title: string }).title], [200, 'bye']);
      assert.equal((await api('DELETE', `todo/${todo.id}/`, { user: 1 })).status, 404);
    });

    test('bulk: create, update and delete in one transaction — all or nothing', async () => {
      const a = (await f.todo.create({ title: 'bulk a', owner: 1 })) as { id: number };
      const b = (await f.todo.create({ title: 'bulk b', owner: 1 })) as { id: number };
      const res = await api('POST', 'todo/bulk/', {
        user: 1,
        body: { create: [{ title: 'bulk c', owner: 1 }, { title: 'bulk d', owner: 1 }], update: [{ key: a.id, changes: { done: true } }], delete: [b.id] },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const out = res.body as { create: { title: string }[]; update: { done: boolean }[]; delete: { id: number }[] };
      assert.deepEqual(out.create.map((o) => o.title), ['bulk c', 'bulk d']);
      assert.equal(out.update[0]?.done, true);
      assert.equal(out.delete[0]?.id, b.id);

      const before = await f.todo.search({ filters: { title: { contains: 'bulk' } } });
      const refused = await api('POST', 'todo/bulk/', { user: 1, body: { create: [{ title: 'bulk e', owner: 1 }], delete: [a.id], update: [{ key: a.id, changes: { owner: 2 } }] } });
      assert.equal(refused.status, 403);
      const afterwards = await f.todo.search({ filters: { title: { contains: 'bulk' } } });
      assert.deepEqual(afterwards, before, 'nothing of a refused bulk request is written');

      for (const [body, pattern] of [
        [{ create: {} }, /create must be a list/],
        [{ remove: [1] }, /unknown bulk action 'remove'/],
        [{ update: [{ key: 1 }] }, /update\[0\] must be/],
        [[1], /must be a JSON object/],
      ] as const) {
        const bad = await api('POST', 'todo/bulk/', { user: 1, body });
        assert.equal(bad.status, 400);
        assert.match((bad.body as { error: string }).error, pattern);
      }
      assert.deepEqual((await api('POST', 'todo/bulk/', { user: 1, body: { create: [] } })).body, { create: [] });
    });

    test('REST writes publish change events: to a rohrpost subscriber allowed to read them, and to onChange', async () => {
      const changes: ChangeEvent[] = [];
      const stop = f.models.onChange((c) => changes.push(c));
      const created = await api('POST', 'todo/', { user: 1, body: { title: 'watched', owner: 1 } });
      const id = (created.body as { id: number }).id;
      const owner = await connect(`ws://127.0.0.1:${f.rc.port}/ws/rohrpost/`, { headers: { authorization: 'User 1' } });
      const other = await connect(`ws://127.0.0.1:${f.rc.port}/ws/rohrpost/`, { headers: { authorization: 'User 2' } });
      for (const c of [owner, other]) {
        assert.deepEqual(await c.ask({ type: 'subscribe', id: 1, data: { type: 'todo', id } }), { id: 1, type: 'subscribe', data: { group: `todo-${id}` } });
      }
      assert.equal((await api('PATCH', `todo/${id}/`, { user: 1, body: { done: true } })).status, 200);
      const update = (await owner.next()) as { type: string; data: { group: string; type: string; object: Record<string, unknown> } };
      assert.equal(update.type, 'subscription-update');
      assert.deepEqual(update.data.group, `todo-${id}`);
      assert.equal(update.data.type, 'update');
      assert.equal(update.data.object.done, true);
      assert.deepEqual(update.data.object.updated_fields, ['done']);
      assert.equal((await api('DELETE', `todo/${id}/`, { user: 1 })).status, 200);
      const deleted = (await owner.next()) as { data: { type: string; object: { id: number } } };
      assert.deepEqual([deleted.data.type, deleted.data.object.id], ['delete', id]);
      await other.silence(150); // user 2 may not read user 1's private todo, so gets neither change
      await owner.close();
      await other.close();
      stop();
      assert.deepEqual(
        changes.map((c) => [c.model, c.action, c.key, c.updatedFields, c.origin]),
        [
          ['app.Todo', 'create', id, undefined, undefined],
          ['app.Todo', 'update', id, ['done'], undefined],
          ['app.Todo', 'delete', id, undefined, undefined],
        ],
      );
    });

    test('the OpenAPI document is served, generated from the models', async () => {
      const res = await call(f.rc.url, 'GET', '/api/openapi.json', { user: 1 });
      assert.equal(res.status, 200);
      const doc = res.body as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
      assert.equal(doc.openapi, '3.1.0');
      assert.ok('/api/app/todo/' in doc.paths && '/api/app/tag/{key}/' in doc.paths && '/api/app/item/bulk/' in doc.paths);
      assert.ok('app.Todo.Page' in doc.components.schemas);
    });
  });
}
