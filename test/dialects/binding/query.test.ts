import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LAST_PAGE, bindingFilters, bindingPage } from '../../../src/dialects/binding/query.js';

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
