import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkAllowedRooms } from '../../src/auth/allowed-rooms.js';
import { parseJson, type JsonValue } from '../../src/wire/json.js';

const keys = (v: JsonValue | undefined): string[] | string => {
  const r = checkAllowedRooms(v);
  return 'rooms' in r ? r.rooms.map((x) => x.key) : 'denied' in r ? `denied: ${r.denied}` : `malformed: ${r.malformed}`;
};

test('the outcome table of an allowed_rooms value (high-templar dossier §1.3)', () => {
  assert.deepEqual(keys(undefined), []);
  assert.deepEqual(keys([]), []);
  assert.deepEqual(keys([{ b: 1, a: '*' }, [['k', 'v']]]), ['{"a":"*","b":1}', '{"k":"v"}']);
  assert.equal(keys(null), 'malformed: allowed_rooms is null');
  assert.equal(keys('x'), 'denied: allowed_rooms is not a list');
  assert.equal(keys({ a: 1 }), 'denied: allowed_rooms is not a list');
  assert.equal(keys(['x']), 'denied: allowed_rooms holds a string');
  assert.equal(keys([1]), 'malformed: allowed_rooms holds an element that is not a room object');
});

test('any parsed JSON value gets exactly one verdict, and a list of flat objects of strings is always rooms', () => {
  fc.assert(
    fc.property(fc.json({ maxDepth: 3 }), (text) => {
      const parsed = parseJson(text);
      assert.ok(parsed.ok);
      const r = checkAllowedRooms(parsed.value);
      assert.equal(['rooms', 'denied', 'malformed'].filter((k) => k in r).length, 1);
    }),
  );
  fc.assert(
    fc.property(fc.array(fc.dictionary(fc.string(), fc.string())), (list) => {
      const r = checkAllowedRooms(list);
      assert.ok('rooms' in r);
      assert.equal(r.rooms.length, list.length);
    }),
  );
});
