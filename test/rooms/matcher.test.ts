import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRoomMatcher } from '../../src/rooms/matcher.js';
import { toRoom, type Room } from '../../src/rooms/room.js';
import { parseJson } from '../../src/wire/json.js';

const room = (value: unknown): Room => {
  const r = parseJson(typeof value === 'string' ? value : JSON.stringify(value));
  assert.ok(r.ok);
  const out = toRoom(r.value);
  assert.ok(out !== undefined);
  return out;
};
const allows = (allowed: unknown[], requested: unknown): boolean =>
  createRoomMatcher(allowed.map(room)).allows(room(requested));

// high-templar's own permission unit cases (dossier §3.2), as allow/deny outcomes.
test('identical rooms allow each other', () => {
  assert.ok(allows([{ customer: '1' }], { customer: '1' }));
});
test('"*" in the allowed room covers any value of that key', () => {
  assert.ok(allows([{ customer: '*' }], { customer: '1' }));
  assert.ok(allows([{ customer: '*' }], { customer: 2 }));
});
test('"*" does not widen the requested side', () => {
  assert.equal(allows([{ customer: '1' }], { customer: '*' }), false);
});
test('different key sets never match', () => {
  assert.equal(allows([{ customer: '*' }], { customer: '1', extra: 'x' }), false);
  assert.equal(allows([{ customer: '*', extra: 'x' }], { customer: '1' }), false);
  assert.equal(allows([{ customer: '*' }], {}), false);
  assert.ok(allows([{}], {}));
});
test('different values without "*" do not match', () => {
  assert.equal(allows([{ customer: '1' }], { customer: '2' }), false);
});
test('four-key room with mixed wildcards (test_permission_more)', () => {
  const allowed = { target: 'allocation', allocation: '*', driver: '*', truck: '*' };
  assert.ok(allows([allowed], { target: 'allocation', allocation: 1, driver: '*', truck: '*' }));
  assert.equal(allows([allowed], { target: 'other', allocation: 1, driver: '*', truck: '*' }), false);
});
test('types matter: 1, "1", 1.0 and true are different values', () => {
  assert.equal(allows([{ costume: 1337 }], { costume: '1337' }), false);
  assert.equal(allows(['{"costume":1}'], '{"costume":1.0}'), false);
  assert.equal(allows([{ costume: 1 }], { costume: true }), false);
  assert.ok(allows(['{"costume":1.0}'], '{"costume":1.00}'));
});
test('nested values compare structurally, key order ignored', () => {
  assert.ok(allows(['{"a":{"x":1,"y":2}}'], '{"a":{"y":2,"x":1}}'));
});
test('allowed rooms are de-duplicated, first order kept', () => {
  const m = createRoomMatcher([room({ a: 1 }), room({ b: 2 }), room({ a: 1 })]);
  assert.deepEqual(m.allowed.map((r) => r.key), ['{"a":1}', '{"b":2}']);
});

const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant(null));
const flatRoom = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), scalar, { maxKeys: 4 });

test('properties: a room allows itself; "*" in place of any values still allows; an extra key never does', () => {
  fc.assert(
    fc.property(flatRoom, fc.array(fc.boolean(), { maxLength: 4 }), (r, stars) => {
      assert.ok(allows([r], r));
      const keys = Object.keys(r);
      const widened = Object.fromEntries(keys.map((k, i) => [k, stars[i] === true ? '*' : r[k]]));
      assert.ok(allows([widened], r));
      assert.equal(allows([widened], { ...r, '\u0000extra': 1 }), false);
    }),
    { numRuns: 300 },
  );
});

test('property: the matcher agrees with the rule written out naively', () => {
  const naive = (allowed: Record<string, unknown>[], req: Record<string, unknown>): boolean =>
    allowed.some((a) => {
      const ak = Object.keys(a).sort();
      const rk = Object.keys(req).sort();
      if (JSON.stringify(ak) !== JSON.stringify(rk)) return false;
      return rk.every((k) => JSON.stringify(a[k]) === JSON.stringify(req[k]) || a[k] === '*');
    });
  const small = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('*', 'x', 'y', 1, true), { maxKeys: 3 });
  fc.assert(
    fc.property(fc.array(small, { maxLength: 5 }), small, (allowed, req) => {
      assert.equal(allows(allowed, req), naive(allowed, req));
    }),
    { numRuns: 1000 },
  );
});

test('maxFields is the most fields an allowed room has: a room with more can match none (property)', () => {
  assert.equal(createRoomMatcher([]).maxFields, 0);
  const value = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('"*"', '1', '"x"'), { maxKeys: 4 });
  fc.assert(
    fc.property(fc.array(value, { maxLength: 4 }), value, (allowedValues, requested) => {
      const allowed = allowedValues.map((v) => room(`{${Object.entries(v).map(([k, x]) => `"${k}":${x}`).join(',')}}`));
      const matcher = createRoomMatcher(allowed);
      assert.equal(matcher.maxFields, Math.max(0, ...allowed.map((r) => r.fields.size)));
      const r = room(`{${Object.entries(requested).map(([k, x]) => `"${k}":${x}`).join(',')}}`);
      if (r.fields.size > matcher.maxFields) assert.equal(matcher.allows(r), false);
    }),
    { numRuns: 500 },
  );
});
