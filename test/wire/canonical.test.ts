import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson, compareCodePoints } from '../../src/wire/canonical.js';
import { parseJson } from '../../src/wire/json.js';

const canon = (text: string): string | undefined => {
  const r = parseJson(text);
  assert.ok(r.ok, text);
  return canonicalJson(r.value);
};

test('sorts keys, drops whitespace, keeps types apart', () => {
  assert.equal(canon('{"b": 1, "a": {"d": true, "c": null}}'), '{"a":{"c":null,"d":true},"b":1}');
  assert.notEqual(canon('1'), canon('1.0'));
  assert.notEqual(canon('1'), canon('"1"'));
  assert.notEqual(canon('1'), canon('true'));
  assert.equal(canon('1.0'), canon('1.00'));
  assert.equal(canon('1e2'), canon('100.0'));
  assert.equal(canon('-0'), '0');
  assert.equal(canon('12345678901234567890'), '12345678901234567890');
  assert.equal(canon('1e400'), undefined);
});

test('is independent of key order and is itself valid JSON (property)', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), (obj) => {
      const keys = Object.keys(obj);
      const reversed = Object.fromEntries(keys.reverse().map((k) => [k, obj[k]]));
      const a = canon(JSON.stringify(obj));
      const b = canon(JSON.stringify(reversed));
      assert.equal(a, b);
      assert.deepEqual(JSON.parse(a as string), JSON.parse(JSON.stringify(obj)));
      assert.equal(canon(a as string), a, 'canonical text is a fixed point');
    }),
    { numRuns: 300 },
  );
});

test('compares by code point, as Python sorts', () => {
  // U+FF5E (BMP) sorts before U+1F600 (astral) by code point, though not by UTF-16 unit.
  assert.ok(compareCodePoints('\uFF5E', '\u{1F600}') < 0);
  assert.ok('\uFF5E' > '\u{1F600}');
  assert.ok(compareCodePoints('a', 'ab') < 0);
  assert.equal(compareCodePoints('x', 'x'), 0);
});
