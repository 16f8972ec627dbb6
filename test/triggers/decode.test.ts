import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeTrigger, TriggerError } from '../../src/triggers/decode.js';

test('a trigger keeps data as the exact text sent', () => {
  const t = decodeTrigger('{"data": {"id": 1.0, "n": 12345678901234567890}, "rooms": [{"b": 1, "a": "x"}]}');
  assert.ok(!('error' in t));
  assert.equal(t.data, '{"id": 1.0, "n": 12345678901234567890}');
  assert.deepEqual(t.rooms.map((r) => r.key), ['{"a":"x","b":1}']);
});

test("high-templar 2.x's error texts, and clear ones where it crashed", () => {
  assert.deepEqual(decodeTrigger('{"data": 1}'), { error: TriggerError.NoRooms });
  assert.deepEqual(decodeTrigger('{"rooms": []}'), { error: TriggerError.NoData });
  assert.deepEqual(decodeTrigger('nope'), { error: TriggerError.NotJson });
  const deep = (n: number): string => `{"rooms": [], "data": ${'['.repeat(n)}${']'.repeat(n)}}`;
  assert.deepEqual(decodeTrigger(deep(64)), { error: 'body is nested deeper than 64 levels' });
  assert.ok(!('error' in decodeTrigger(deep(63))), '64 levels with the body itself are allowed');
  assert.deepEqual(decodeTrigger('[1]'), { error: TriggerError.NotObject });
  assert.deepEqual(decodeTrigger('{"rooms": {}, "data": 1}'), { error: TriggerError.RoomsNotList });
  assert.deepEqual(decodeTrigger('{"rooms": [{"a":1}, "x"], "data": 1}'), { error: TriggerError.BadRoom });
  assert.equal(TriggerError.NoRooms, 'rooms not specified');
  assert.equal(TriggerError.NoData, 'data not specified');
});

test('data null and empty string are data', () => {
  const a = decodeTrigger('{"rooms": [], "data": null}');
  assert.ok(!('error' in a) && a.data === 'null');
  const b = decodeTrigger('{"data": "", "rooms": [{"auto-updates": "country"}]}');
  assert.ok(!('error' in b) && b.data === '""');
});

test('never throws, and accepted data is valid JSON (property)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.record({ rooms: fc.jsonValue(), data: fc.jsonValue() }).map((o) => JSON.stringify(o))), (body) => {
      const t = decodeTrigger(body);
      if (!('error' in t)) JSON.parse(t.data);
    }),
    { numRuns: 1000 },
  );
});

test('rooms seen before decode to the same rooms, and a bad one is refused every time', () => {
  const body = (data: number): string => `{"rooms": [{"b": 1.0, "a": 12345678901234567890}], "data": ${data}}`;
  const first = decodeTrigger(body(1));
  const again = decodeTrigger(body(2));
  assert.ok(!('error' in first) && !('error' in again));
  assert.deepEqual(again.rooms.map((r) => r.key), ['{"a":12345678901234567890,"b":1.0}']);
  assert.equal(again.data, '2');
  for (let i = 0; i < 3; i++) assert.deepEqual(decodeTrigger('{"rooms": [{"a":1}, "x"], "data": 1}'), { error: TriggerError.BadRoom });
});
