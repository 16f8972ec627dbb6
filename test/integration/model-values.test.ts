/**
 * Values no engine can store as given, over the wire on a live server (SQLite and PostgreSQL): REST answers 400
 * with the field and the reason, binding answers `invalid` — for U+0000 in text, in JSON strings and keys, in
 * filter values (query string, `filters=` JSON, binding search); for year 0000 and 2026-02-30 — and the
 * connection and server carry on. A text key no engine can store is 404 / `not-found`. Unit and property tests
 * of the rules: test/models/values.test.ts and stored-values.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBinding, type BindingFixture } from '../helpers/binding.js';
import type { TestClient } from '../helpers/client.js';
import { call, startRest, type Answer, type RestFixture } from '../helpers/rest.js';
import type { Store } from '../../src/models/index.js';
import { QUOTE_CUT, QUOTE_LIMIT } from '../../src/wire/quote.js';
import { dropTables, engines, uniqueTable } from '../models/stores.js';

const RANGE = 'must fall from 0001-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z (in UTC)';

function assert400(res: Answer, error: string, details?: readonly string[]): void {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.deepEqual(res.body, details === undefined ? { error } : { error, details });
}

for (const engine of engines) {
  describe(`unstorable values over REST on ${engine.name}`, { skip: engine.skip }, () => {
    let f: RestFixture;
    const api = (method: string, path: string, options?: Parameters<typeof call>[3]) => call(f.rc.url, method, `/api/app/${path}`, { user: 1, ...options });
    const count = async (): Promise<number> => (await f.todo.search()).count;

    before(async () => {
      f = await startRest(engine);
    });
    after(() => f?.close());

    test('create, update, save and bulk: 400 with every field and its reason; nothing written', async () => {
      const before = await count();
      const body = { title: 'a\u0000b', owner: 1, meta: { tags: ['ok', 'x\u0000'], ['k\u0000']: 1 }, due: '0000-06-01T00:00:00Z' };
      const details = ['title: must not contain U+0000 (at index 1)', 'meta: the key $["k\\u0000"] must not contain U+0000 (at index 1)', `due: ${RANGE}`];
      assert400(await api('POST', 'todo/', { body }), 'create: invalid data', details);
      assert400(await api('POST', 'todo/', { body: { title: 'feb', owner: 1, due: '2026-02-30T00:00:00Z' } }), 'create: invalid data', ['due: must be a real date: 2026-02 has 28 days']);
      assert400(await api('POST', 'todo/', { body: { title: 'x', owner: 1, meta: ['\ud800'] } }), 'create: invalid data', ['meta: the string at $[0] must be well-formed Unicode (an unpaired surrogate at index 0)']);
      assert400(await api('POST', 'todo/bulk/', { body: { create: [{ title: 'fine', owner: 1 }, { title: '\u0000', owner: 1 }] } }), 'create: invalid data', ['title: must not contain U+0000 (at index 0)']);
      const deep = `{"title":"deep","owner":1,"meta":${'['.repeat(6000)}${']'.repeat(6000)}}`;
      assert400(await api('POST', 'todo/', { body: deep }), 'create: invalid data', ['meta: nests more than 512 levels deep']);
      assert.equal(await count(), before);
      const made = await api('POST', 'todo/', { body: { title: 'kept', owner: 1, due: '0001-01-01T00:00:00Z' } });
      assert.equal(made.status, 201);
      const id = (made.body as { id: number }).id;
      assert.equal((made.body as { due: string }).due, '0001-01-01T00:00:00.000Z');
      assert400(await api('PATCH', `todo/${id}/`, { body: { due: '9999-12-31T23:59:59.999-00:01' } }), 'update: invalid data', [`due: ${RANGE}`]);
      assert400(await api('PUT', `todo/${id}/`, { body: { title: 'z\u0000', owner: 1 } }), 'update: invalid data', ['title: must not contain U+0000 (at index 1)']);
      assert.equal((await api('GET', `todo/${id}/`)).status, 200);
      assert.equal(((await api('GET', `todo/${id}/`)).body as { title: string }).title, 'kept');
    });

    test('a JSON field with a 60 KB key is refused with a bounded reason: the key quoted cut, not whole', async () => {
      const key = `${'k'.repeat(60_000)}\u0000`;
      const res = await api('POST', 'todo/', { body: { title: 'long key', owner: 1, meta: { [key]: 1 } } });
      assert400(res, 'create: invalid data', [`meta: the key $["${'k'.repeat(QUOTE_LIMIT)}${QUOTE_CUT}"] must not contain U+0000 (at index 60000)`]);
      assert.ok(JSON.stringify(res.body).length < 200);
    });

    test('filters: U+0000 and impossible dates in field parameters and in filters= JSON are 400, not 500', async () => {
      assert400(await api('GET', 'item/?title=a%00'), 'title: must not contain U+0000 (at index 1)');
      assert400(await api('GET', 'item/?title__contains=%00'), 'title: must not contain U+0000 (at index 0)');
      assert400(await api('GET', 'item/?title__in=alpha,b%00'), 'title: must not contain U+0000 (at index 1)');
      assert400(await api('GET', `item/?filters=${encodeURIComponent(JSON.stringify({ $or: [{ title: { gte: '\u0000' } }] }))}`), 'title: must not contain U+0000 (at index 0)');
      assert400(await api('GET', 'item/?due__gte=2026-02-30T00:00:00Z'), 'due: must be a real date: 2026-02 has 28 days');
      assert400(await api('GET', 'item/?due__lt=0000-12-31T00:00:00Z'), `due: ${RANGE}`);
      const ok = await api('GET', 'item/?due__gte=2026-01-01T01:00:00%2B01:00&order=due');
      assert.equal(ok.status, 200);
      assert.deepEqual((ok.body as { rows: { title: string }[] }).rows.map((r) => r.title), ['alpha', 'beta']);
    });

    test('a text key no engine can store is 404 for every method', async () => {
      for (const method of ['GET', 'PATCH', 'PUT', 'DELETE']) {
        const res = await api(method, 'tag/a%00b/', method === 'PATCH' || method === 'PUT' ? { body: { label: 'x', owner: 1 } } : {});
        assert.equal(res.status, 404, `${method} ${JSON.stringify(res.body)}`);
        assert.deepEqual(res.body, { error: 'app.Tag "a\\u0000b" does not exist' });
      }
      assert.equal(f.logs.filter((l) => l.level === 'error').length, 0, 'nothing unexpected was logged');
    });
  });

  describe(`unstorable values over binding on ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    let fx: BindingFixture;
    let bob: TestClient;
    const ask = (event: string, data?: unknown): Promise<unknown> => bob.ask(data === undefined ? { event } : { event, data });

    before(async () => {
      store = await engine.open();
      // Replies only: the pushes of auto-subscription would arrive in between.
      fx = await startBinding(store, { todo: uniqueTable('values_todo'), tag: uniqueTable('values_tag') }, { autoSubscribe: false });
      bob = await fx.client('user=2');
    });
    after(async () => {
      await bob.close();
      await fx.close();
      await dropTables(store, fx.tables);
      await store.close();
    });

    test('create, update and search with U+0000 are invalid with the reason; the connection carries on', async () => {
      assert.deepEqual(await ask('shop.Todo.create', { title: 'a\u0000', owner: 2 }), {
        event: 'shop.Todo.create',
        error: 'create: invalid data',
        code: 'invalid',
        details: ['title: must not contain U+0000 (at index 1)'],
      });
      const { data: made } = (await ask('shop.Todo.create', { title: 'ok', owner: 2 })) as { data: { id: number } };
      assert.deepEqual(await ask(`shop.Todo.update#${made.id}`, { title: '\ud800' }), {
        event: `shop.Todo.update#${made.id}`,
        error: 'update: invalid data',
        code: 'invalid',
        details: ['title: must be well-formed Unicode (an unpaired surrogate at index 0)'],
      });
      assert.deepEqual(await ask('shop.Todo.search', { filters: { title: { contains: 'o\u0000' } } }), {
        event: 'shop.Todo.search',
        error: 'search: title: must not contain U+0000 (at index 1)',
        code: 'invalid',
      });
      assert.deepEqual(await ask('shop.Tag.retrieve#x\u0000'), { event: 'shop.Tag.retrieve#x\u0000', error: 'shop.Tag "x\\u0000" does not exist', code: 'not-found' });
      assert.deepEqual(((await ask(`shop.Todo.retrieve#${made.id}`)) as { data: unknown }).data, { id: made.id, title: 'ok', done: null, owner: 2, secret: null, rank: null });
    });
  });
}
