/**
 * How the REST API refuses, on a live server (SQLite and PostgreSQL): auth denied/failed/throwing, cross-site
 * writes, content types, malformed and oversized bodies, unknown routes, unexpected errors (500, logged, no
 * detail), and the `rest` options (prefix, off).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createModels } from '../../src/models/index.js';
import { call, startRest, testAuth, type Answer, type RestFixture } from '../helpers/rest.js';
import { start } from '../helpers/server.js';
import { engines } from '../models/stores.js';

/** An error reply: the status, `{error}` (and `details` only when given), never more. */
function assertError(res: Answer, status: number, error: string | RegExp): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = res.body as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).filter((k) => k !== 'error' && k !== 'details'), []);
  if (typeof error === 'string') assert.equal(body.error, error);
  else assert.match(String(body.error), error);
}

for (const engine of engines) {
  describe(`REST errors on ${engine.name}`, { skip: engine.skip }, () => {
    let f: RestFixture;
    const api = (method: string, path: string, options?: Parameters<typeof call>[3]) => call(f.rc.url, method, `/api/app/${path}`, options);
    const count = async (): Promise<number> => (await f.todo.search()).count;

    before(async () => {
      f = await startRest(engine, { maxBodyBytes: 2048 });
    });
    after(() => f?.close());

    test('auth: denied is 401, a failing backend its status (504), a throwing strategy 502 — the reason only in the log', async () => {
      assertError(await api('GET', 'item/'), 401, 'not authorized');
      assertError(await api('POST', 'todo/', { body: { title: 'x', owner: 1 } }), 401, 'not authorized');
      assertError(await call(f.rc.url, 'GET', '/api/openapi.json'), 401, 'not authorized');
      assertError(await api('GET', 'item/', { headers: { authorization: 'Fail' } }), 504, 'authentication backend timed out');
      assertError(await api('GET', 'item/', { headers: { authorization: 'Boom' } }), 502, 'authentication backend unavailable');
      assert.ok(f.logs.some((l) => l.level === 'error' && l.message === 'auth strategy threw'));
      const byToken = await api('GET', `item/${f.items.alpha}/?token=1`);
      assert.equal(byToken.status, 200, 'the same credentials as a WebSocket: ?token= works too');
    });

    test('cross-site writes are refused before anything else; reads and listed or same origins are not', async () => {
      const before = await count();
      const evil = { origin: 'https://evil.example' };
      assertError(await api('POST', 'todo/', { user: 1, body: { title: 'csrf', owner: 1 }, headers: evil }), 403, 'cross-site requests are not accepted');
      assertError(await api('POST', 'todo/', { body: { title: 'csrf', owner: 1 }, headers: evil }), 403, 'cross-site requests are not accepted');
      assertError(await api('DELETE', `item/${f.items.alpha}/`, { user: 1, headers: evil }), 403, 'cross-site requests are not accepted');
      assertError(await api('PATCH', `item/${f.items.alpha}/`, { user: 1, body: { done: false }, headers: evil }), 403, 'cross-site requests are not accepted');
      assert.equal(await count(), before);
      assert.equal((await api('GET', `item/${f.items.alpha}/`, { user: 1, headers: evil })).status, 200);
      assert.equal((await api('POST', 'todo/', { user: 1, body: { title: 'listed', owner: 1 }, headers: { origin: 'https://app.example.com' } })).status, 201);
      assert.equal((await api('POST', 'todo/', { user: 1, body: { title: 'same', owner: 1 }, headers: { origin: f.rc.url } })).status, 201);
      assert.ok(f.logs.some((l) => l.level === 'warn' && l.message === 'REST write refused: cross-site request'));
    });

    test('bodies must be application/json (415), well-formed (400) and small enough (413)', async () => {
      const before = await count();
      const text = { 'content-type': 'text/plain' };
      assertError(await api('POST', 'todo/', { user: 1, body: '{"title":"x","owner":1}', headers: text }), 415, 'content-type must be application/json');
      assertError(await api('PATCH', `item/${f.items.alpha}/`, { user: 1, body: 'done=true', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'content-type must be application/json');
      assertError(await call(f.rc.url, 'POST', '/api/app/todo/', { user: 1 }), 415, 'content-type must be application/json');
      assertError(await api('DELETE', `item/${f.items.alpha}/`, { user: 1, body: 'x', headers: text }), 415, 'content-type must be application/json');
      assertError(await api('POST', 'todo/', { user: 1, body: '{"title": ' }), 400, 'malformed JSON body');
      assertError(await api('POST', 'todo/', { user: 1, body: '', headers: { 'content-type': 'application/json' } }), 400, 'malformed JSON body');
      assertError(await api('POST', 'todo/', { user: 1, body: '{"__proto__": {"owner": 1}}' }), 400, 'malformed JSON body');
      assertError(await api('POST', 'todo/', { user: 1, body: { title: 'x'.repeat(3000), owner: 1 } }), 413, 'request body too large');
      assert.equal(await count(), before);
      const charset = await api('POST', 'todo/', { user: 1, body: '{"title":"ok","owner":1}', headers: { 'content-type': 'Application/JSON; charset=utf-8' } });
      assert.equal(charset.status, 201);
    });

    test('unknown routes and models are JSON 404s', async () => {
      assertError(await call(f.rc.url, 'GET', '/api/app/todo/1/extra/', { user: 1 }), 404, /^no route GET/);
      assertError(await call(f.rc.url, 'DELETE', '/api/app/todo/', { user: 1 }), 404, /^no route DELETE/);
      assertError(await call(f.rc.url, 'POST', '/api/app/nothing/', { user: 1, body: {} }), 404, 'no model at /api/app/nothing/');
    });

    test('an unexpected error is a 500 with a generic message, logged with its detail', async () => {
      const res = await api('GET', 'broken/', { user: 1 });
      assertError(res, 500, 'internal server error');
      assert.ok(!JSON.stringify(res.body).includes('secret'));
      const line = f.logs.find((l) => l.level === 'error' && l.message === 'REST request failed');
      assert.ok(line !== undefined);
      assert.match(String((line.context as { err: Error }).err.message), /secret detail/);
    });

    test('options: a custom prefix, and rest: false', async () => {
      const models = createModels(f.store);
      models.define({ name: 'app.Item', table: f.item.definition.table, fields: f.item.definition.fields });
      const custom = await start({ models, auth: testAuth, rest: { prefix: 'v2' } });
      try {
        const res = await call(custom.url, 'GET', '/v2/app/item/?limit=1', { user: 1 });
        assert.deepEqual([res.status, (res.body as { count: number }).count], [200, 7]);
        assert.equal((await call(custom.url, 'GET', '/v2/openapi.json', { user: 1 })).status, 200);
        assert.equal((await call(custom.url, 'GET', '/api/app/item/', { user: 1 })).status, 404);
      } finally {
        await custom.close();
      }
      const off = await start({ models, auth: testAuth, rest: false });
      try {
        assert.equal((await call(off.url, 'GET', '/api/app/item/', { user: 1 })).status, 404);
        assert.equal((await call(off.url, 'GET', '/api/openapi.json', { user: 1 })).status, 404);
      } finally {
        await off.close();
      }
    });
  });
}
