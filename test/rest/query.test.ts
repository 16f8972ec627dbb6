/**
 * The list query decoder: examples of every parameter kind, and properties — it never throws, and a parameter
 * naming no field is always refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createModels, openStore } from '../../src/models/index.js';
import type { Fields } from '../../src/models/fields.js';
import { decodeListQuery } from '../../src/rest/query.js';

const fields: Fields = { id: 'key', title: 'text', total: 'number', count: 'integer', done: 'boolean', meta: 'json', due: 'timestamp', page: 'integer', a__b: 'text' };
const decode = (qs: string, ignore: readonly string[] = []) => decodeListQuery(new URLSearchParams(qs), fields, ignore);

test('equality filters are typed by their field', () => {
  assert.deepEqual(decode('title=x&total=1.5&count=-3&done=true&id=7'), {
    query: { filters: { title: { eq: 'x' }, total: { eq: 1.5 }, count: { eq: -3 }, done: { eq: true }, id: { eq: 7 } } },
  });
  assert.deepEqual(decode('title=null'), { query: { filters: { title: { eq: 'null' } } } });
  assert.deepEqual(decode('due=2026-01-02T03:04:05Z'), { query: { filters: { due: { eq: '2026-01-02T03:04:05Z' } } } });
});

test('operators, lists and null tests', () => {
  assert.deepEqual(decode('count__gte=2&count__lt=9&title__contains=ab&title__ne=c'), {
    query: { filters: { count: { gte: 2, lt: 9 }, title: { contains: 'ab', ne: 'c' } } },
  });
  assert.deepEqual(decode('id__in=1,2,3'), { query: { filters: { id: { in: [1, 2, 3] } } } });
  assert.deepEqual(decode('id__in='), { query: { filters: { id: { in: [] } } } });
  assert.deepEqual(decode('title__isnull=true&count__isnull=false'), { query: { filters: { title: { eq: null }, count: { ne: null } } } });
  assert.deepEqual(decode('a__b=x&a__b__ne=y'), { query: { filters: { a__b: { eq: 'x', ne: 'y' } } } });
});

test('page, limit, order and a JSON filter', () => {
  assert.deepEqual(decode('page=2&limit=500&order=-total,title'), { query: { page: 2, limit: 500, order: '-total,title' } });
  assert.deepEqual(decode('page=99999999999999'), { query: { page: 1_000_000_000 } });
  assert.deepEqual(decode('page__eq=3'), { query: { filters: { page: { eq: 3 } } } });
  assert.deepEqual(decode(`filters=${encodeURIComponent('{"$or":[{"done":true},{"count":{"gt":3}}]}')}&title=x`), {
    query: { filters: { title: { eq: 'x' }, $or: [{ $or: [{ done: true }, { count: { gt: 3 } }] }] } },
  });
  assert.deepEqual(decode('token=s3cret&jwt_token=x', ['token', 'jwt_token']), { query: {} });
});

test('clear errors', () => {
  const error = (qs: string): string => {
    const r = decode(qs);
    assert.ok('error' in r, `${qs} should be refused`);
    return r.error;
  };
  assert.match(error('nope=1'), /unknown query parameter 'nope'/);
  assert.match(error('count__like=1'), /unknown filter operator 'like'/);
  assert.match(error('count=abc'), /count: 'abc' is not an integer/);
  assert.match(error('total=1e999'), /is not a number/);
  assert.match(error('done=yes'), /not true or false/);
  assert.match(error('count__contains=1'), /text fields only/);
  assert.match(error('meta=1'), /cannot filter on JSON field 'meta'/);
  assert.match(error('title__isnull=maybe'), /true or false/);
  assert.match(error('id__in=1,x'), /id__in: 'x' is not an integer/);
  assert.match(error('page=-1'), /page must be a whole number/);
  assert.match(error('limit=ten'), /limit must be a whole number/);
  assert.match(error('order=-nope'), /unknown field 'nope'/);
  assert.match(error('order=meta'), /JSON field/);
  assert.match(error('filters={'), /filters: not valid JSON/);
  assert.match(error('filters=[1]'), /filters must be an object/);
  assert.match(error('title=a&title=b'), /given more than once/);
  assert.match(error('title__isnull=true&title=null&title__eq=x'), /conflicting/);
  assert.match(error('due=yesterday'), /date-time/);
  assert.match(error('token=x'), /unknown query parameter 'token'/);
  assert.match(error('constructor=x'), /unknown query parameter 'constructor'/);
  assert.match(error('order=toString'), /unknown field 'toString'/);
  assert.match(error(`filters=${encodeURIComponent('{"constructor":1}')}`), /unknown field 'constructor'/);
});

const names = fc.oneof(
  fc.constantFrom('page', 'limit', 'order', 'filters', 'token', 'constructor', 'toString__eq', '__proto__', ...Object.keys(fields)),
  fc.tuple(fc.constantFrom(...Object.keys(fields)), fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains', 'isnull', 'like', '')).map(([f, op]) => `${f}__${op}`),
  fc.string(),
);
const values = fc.oneof(fc.string(), fc.integer().map(String), fc.double().map(String), fc.constantFrom('true', 'false', '', 'null', '1,2', '-id', '{}', '{"$or":[]}', 'constructor', '-toString', '{"toString":1}', '{"__proto__":{"eq":1}}'));
const pairs = fc.array(fc.tuple(names, values), { maxLength: 8 });

test('property: never throws, and whatever it accepts a model searches without error', async () => {
  const store = await openStore('sqlite::memory:');
  const models = createModels(store);
  const model = models.define({ name: 't.Thing', fields });
  await models.migrate();
  await fc.assert(
    fc.asyncProperty(pairs, async (list) => {
      const r = decodeListQuery(new URLSearchParams(list), fields, ['token']);
      assert.ok(('query' in r) !== ('error' in r));
      if ('query' in r) await model.search(r.query);
    }),
    { numRuns: 1000 },
  );
  await store.close();
});

test('property: a parameter naming no field (and not reserved) is refused', () => {
  const unknownName = fc.string({ minLength: 1 }).map((s) => `zz${s}`);
  fc.assert(
    fc.property(pairs, unknownName, values, fc.nat(), (list, name, value, at) => {
      const all = [...list];
      all.splice(at % (all.length + 1), 0, [name, value]);
      const r = decodeListQuery(new URLSearchParams(all), fields, ['token']);
      assert.ok('error' in r);
    }),
    { numRuns: 1000 },
  );
});
