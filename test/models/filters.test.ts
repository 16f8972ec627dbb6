/**
 * The filter decoder never throws, and a decoded filter selects the same rows in SQL (SQLite and PostgreSQL) as
 * in JS — the JS side decides who receives a change, so the two must agree.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeFilter, decodeOrder, matches } from '../../src/models/filters.js';
import { createModels, type Model, type Store } from '../../src/models/index.js';
import type { Fields } from '../../src/models/fields.js';
import { dropTables, engines, uniqueTable } from './stores.js';

const fields: Fields = { id: 'key', n: 'integer', x: 'number', s: 'text', b: 'boolean', at: 'timestamp', j: 'json' };

test('decodeFilter and decodeOrder never throw on any JSON', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (json) => {
      const f = decodeFilter(json, fields);
      assert.ok('filter' in f || typeof f.error === 'string');
      const o = decodeOrder(json, fields);
      assert.ok('order' in o || typeof o.error === 'string');
    }),
    { numRuns: 2000 },
  );
});

test('clear errors for what a filter cannot say', () => {
  assert.deepEqual(decodeFilter([], fields), { error: 'filters must be an object' });
  assert.deepEqual(decodeFilter({ j: 1 }, fields), { error: "cannot filter on JSON field 'j'" });
  assert.deepEqual(decodeFilter({ n: 'x' }, fields), { error: 'n: must be an integer' });
  assert.deepEqual(decodeFilter({ n: { lt: null } }, fields), { error: 'n: null only compares with eq and ne' });
  assert.deepEqual(decodeFilter({ $or: [] }, fields), { error: '$or must be a non-empty list of filters' });
  assert.deepEqual(decodeOrder('-j', fields), { error: "cannot order by JSON field 'j'" });
});

test('a filter holds at most 100 $or branches and 1,000 values, nested ones included (issue 13)', () => {
  const branches = (n: number): unknown => ({ $or: Array.from({ length: n }, () => ({ n: 1 })) });
  assert.ok('filter' in decodeFilter(branches(100), fields));
  assert.deepEqual(decodeFilter(branches(101), fields), { error: 'filters hold more than 100 $or branches' });
  assert.deepEqual(decodeFilter({ $or: [{ $or: [branches(60), branches(40)] }] }, fields), { error: 'filters hold more than 100 $or branches' });
  const values = (n: number): unknown[] => Array.from({ length: n }, (_, i) => i);
  assert.ok('filter' in decodeFilter({ n: { in: values(999) }, s: 'a' }, fields));
  assert.deepEqual(decodeFilter({ n: { in: values(1000) }, s: 'a' }, fields), { error: 'filters compare more than 1000 values' });
  assert.deepEqual(decodeFilter({ $or: [{ n: { in: values(600) } }, { x: { in: values(600) } }] }, fields), { error: 'filters compare more than 1000 values' });
});

const value = {
  n: fc.option(fc.integer({ min: -3, max: 3 })),
  x: fc.option(fc.constantFrom(-1.5, 0, 2.25)),
  s: fc.option(fc.constantFrom('a', 'Ab', 'b%', 'x_y', '')),
  b: fc.option(fc.boolean()),
  at: fc.option(fc.constantFrom('2026-01-01T00:00:00.000Z', '2026-06-01T12:00:00.000Z')),
};
const row = fc.record(value, { requiredKeys: [] });
const condition = fc.oneof(
  ...(['n', 'x', 's', 'b', 'at'] as const).map((f) => {
    const v: fc.Arbitrary<unknown> = value[f];
    return fc.oneof(
      v.map((x) => ({ [f]: x })),
      fc.tuple(fc.constantFrom('eq', 'ne', ...(f === 'b' ? [] : ['lt', 'lte', 'gt', 'gte'])), v).filter(([op, v]) => v !== null || op === 'eq' || op === 'ne').map(([op, v]) => ({ [f]: { [op]: v } })),
      fc.array(v, { maxLength: 3 }).map((list) => ({ [f]: { in: list } })),
    );
  }),
  fc.constantFrom('a', 'B', '%', '_').map((c) => ({ s: { contains: c } })),
);
const filter = fc.oneof(
  fc.array(condition, { maxLength: 3 }).map((cs) => Object.assign({}, ...cs) as Record<string, unknown>),
  fc.array(condition, { minLength: 1, maxLength: 3 }).map((cs) => ({ $or: cs })),
);

for (const engine of engines) {
  describe(`SQL and JS agree on ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    let model: Model;
    const table = uniqueTable('parity');
    before(async () => {
      store = await engine.open();
      const models = createModels(store);
      model = models.define({ name: 'app.Parity', table, fields, maxPageSize: 100 });
      await models.migrate();
    });
    after(async () => {
      await dropTables(store, [table]);
      await store.close();
    });

    test('random rows, random filters: the same rows', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 8 }), fc.array(filter, { minLength: 1, maxLength: 5 }), async (rows, filters) => {
          await store.db.deleteFrom(table).execute();
          const stored = await model.bulkCreate(rows);
          for (const f of filters) {
            const decoded = decodeFilter(f, fields);
            if ('error' in decoded) continue;
            const sqlKeys = (await model.search({ filters: f, limit: 100 })).rows.map((r) => r.id).sort();
            const jsKeys = stored.filter((r) => matches(decoded.filter, r)).map((r) => r.id).sort();
            assert.deepEqual(sqlKeys, jsKeys, JSON.stringify({ f, stored }));
          }
        }),
        { numRuns: engine.name === 'sqlite' ? 150 : 40 },
      );
    });
  });
}
