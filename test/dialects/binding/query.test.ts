import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LAST_PAGE, bindingFilters, bindingPage } from '../../../src/dialects/binding/query.js';
import { FILTER_LIMITS, decodeFilter } from '../../../src/models/filters.js';

test('page: Django get_page over int(page), as channels-binding 1.9.8 calls it', () => {
  assert.equal(bindingPage(undefined), 1);
  assert.equal(bindingPage(3), 3);
  assert.equal(bindingPage('3'), 3);
  assert.equal(bindingPage(' +3\n'), 3);
  assert.equal(bindingPage('1_0'), 10);
  for (const below of [0, -1, '0', '-2', false]) assert.equal(bindingPage(below), LAST_PAGE, String(below));
  for (const unread of [2.5, '2.5', '1__0', '_1', '3a', '', 'x', null, true, [1], { page: 2 }, NaN, Infinity]) {
    assert.equal(bindingPage(unread), 1, String(unread));
  }
  assert.equal(bindingPage('9'.repeat(400)), LAST_PAGE);
});

test('property: an integer page is itself when at least 1, else the last page; as a string it reads the same', () => {
  fc.assert(
    fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.constantFrom('', ' ', '\t', '\n '), (n, pad) => {
      const expected = n >= 1 ? n : LAST_PAGE;
      assert.equal(bindingPage(n), expected);
      assert.equal(bindingPage(`${pad}${n}${pad}`), expected);
    }),
  );
});

test('property: any value gives a page the models accept: a positive safe integer', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.double()), (raw) => {
      const page = bindingPage(raw);
      assert.ok(Number.isSafeInteger(page) && page >= 1);
    }),
  );
});

test('filters: a list is one of, an empty list no condition, in $or branches too; the rest is left as sent', () => {
  assert.deepEqual({ ...(bindingFilters({ status: ['open', 'held'], tags: [], done: true, rank: { lte: 3 } }) as object) }, {
    status: { in: ['open', 'held'] },
    done: true,
    rank: { lte: 3 },
  });
  const or = bindingFilters({ $or: [{ a: [1] }, { b: 2 }] }) as { $or: unknown[] };
  assert.deepEqual(or.$or.map((f) => ({ ...(f as object) })), [{ a: { in: [1] } }, { b: 2 }]);
  for (const raw of ['x', 5, null, undefined, [1]]) assert.equal(bindingFilters(raw), raw);
});

test('property: no list value is left outside an operator, and other values are kept as they are', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string().filter((k) => k !== '$or' && k !== '__proto__'), fc.jsonValue()), (filters) => {
      const out = bindingFilters(filters) as Record<string, unknown>;
      for (const [field, value] of Object.entries(filters)) {
        if (!Array.isArray(value)) assert.deepEqual(out[field], value);
        else if (value.length === 0) assert.ok(!(field in out));
        else assert.deepEqual(out[field], { in: value });
      }
      assert.equal(Object.keys(out).length, Object.values(filters).filter((v) => !Array.isArray(v) || v.length > 0).length);
    }),
  );
});

test('property: the values of list filters count toward the 1,000 a filter compares, in $or branches too (issue 13)', () => {
  const fields = { id: 'key', rank: 'integer', title: 'text' } as const;
  // Up to 4 branches, each a list filter of up to 400 ranks and maybe a title: at most 1,604 values in all.
  const branch = fc.record({ ranks: fc.integer({ min: 0, max: 400 }), title: fc.boolean() });
  fc.assert(
    fc.property(fc.array(branch, { minLength: 1, maxLength: 4 }), fc.boolean(), (branches, top) => {
      const filter = (b: { ranks: number; title: boolean }): Record<string, unknown> => ({
        rank: Array.from({ length: b.ranks }, (_, i) => i),
        ...(b.title ? { title: 'x' } : {}),
      });
      const raw = top && branches.length === 1 ? filter(branches[0]!) : { $or: branches.map(filter) };
      const values = branches.reduce((n, b) => n + b.ranks + (b.title ? 1 : 0), 0);
      const decoded = decodeFilter(bindingFilters(raw), fields);
      if (values > FILTER_LIMITS.values) assert.deepEqual(decoded, { error: 'filters compare more than 1000 values' });
      else assert.ok('filter' in decoded, JSON.stringify(decoded));
    }),
    { numRuns: 200 },
  );
  // At the edge: 1,000 values in one list pass, one more anywhere is refused.
  const ranks = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
  assert.ok('filter' in decodeFilter(bindingFilters({ rank: ranks(1000) }), fields));
  assert.deepEqual(decodeFilter(bindingFilters({ rank: ranks(1000), title: 'x' }), fields), { error: 'filters compare more than 1000 values' });
  assert.deepEqual(decodeFilter(bindingFilters({ $or: [{ rank: ranks(999) }, { rank: [1, 2] }] }), fields), { error: 'filters compare more than 1000 values' });
});
