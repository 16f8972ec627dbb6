import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalJson, compareCodePoints, quote, sortedKeys } from '../../src/wire/canonical.js';
import { JsonNumber, parseJson, type JsonValue } from '../../src/wire/json.js';
import { counting } from '../helpers/spy.js';
import { jsonNumberLexeme } from '../helpers/arbitraries.js';

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

/** The canonicalization before issue 13 (BigInt for integers, nested joins), as the reference for identity. */
function before(value: JsonValue): string | undefined {
  const write = (v: JsonValue): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'boolean':
        return v ? 'true' : 'false';
      case 'string':
        return JSON.stringify(v);
      case 'number':
        return Object.is(v, -0) ? '0' : String(v);
    }
    if (v instanceof JsonNumber) {
      if (v.isInteger) return BigInt(v.lexeme).toString();
      const d = v.value;
      if (!Number.isFinite(d)) throw new RangeError('non-finite number');
      const text = String(d === 0 ? 0 : d);
      return /^-?\d+$/.test(text) ? `${text}.0` : text;
    }
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
    const keys = Object.keys(v).sort(compareCodePoints);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${write(v[k] as JsonValue)}`).join(',')}}`;
  };
  try {
    return write(value);
  } catch {
    return undefined;
  }
}

/** JSON number lexemes of every form: signs, zero, long integers beyond 2^53, fractions, exponents up to ±999. */
const lexeme = jsonNumberLexeme({ integer: 60, fraction: 25, exponent: 3 });

test('canonical text of every number is what it was before the linear-time rewrite (property)', () => {
  fc.assert(
    fc.property(lexeme, (text) => {
      const r = parseJson(text);
      assert.ok(r.ok, text);
      assert.equal(canonicalJson(r.value), before(r.value), text);
    }),
    { numRuns: 3000 },
  );
  for (const text of ['1', '1.0', '-0', '-0.0', '0e5', '1e2', '1E2', '100', '100.0', '1e400', '-1e400', '9007199254740993', '-9007199254740993', '9007199254740993.0', '123456789012345678901234567890']) {
    const r = parseJson(text);
    assert.ok(r.ok);
    assert.equal(canonicalJson(r.value), before(r.value), text);
  }
});

test('canonical text of nested values with such numbers is what it was before (property)', () => {
  const numbers = lexeme.map((t) => {
    const r = parseJson(t);
    assert.ok(r.ok);
    return r.value;
  });
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, numbers, fc.string(), fc.boolean(), fc.constant(null), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), tie('node'), { maxKeys: 4 })),
  })).node as fc.Arbitrary<JsonValue>;
  fc.assert(
    fc.property(value, (v) => {
      assert.equal(canonicalJson(v), before(v));
    }),
    { numRuns: 1000 },
  );
});

test('a hand-made integer JsonNumber with leading zeros reads as BigInt reads it', () => {
  for (const text of ['007', '-007', '-0000', '0000', '12345678901234567890123']) {
    assert.equal(canonicalJson(new JsonNumber(text)), BigInt(text).toString(), text);
  }
  assert.equal(canonicalJson(new JsonNumber('12x')), undefined);
});

test('keys sort by code point whether or not they hold surrogates (property)', () => {
  const key = fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('\uFF5E', '\u{1F600}', '\uD800', '\uDC00', '\uE000', 'a', ''));
  fc.assert(
    fc.property(fc.uniqueArray(key, { maxLength: 8 }), (keys) => {
      const object = Object.fromEntries(keys.map((k) => [k, 1]));
      assert.deepEqual(sortedKeys(object), [...keys].sort(compareCodePoints));
    }),
    { numRuns: 1000 },
  );
});

test('an integer of any length is its own identity, never converted through BigInt (quadratic in its digits)', () => {
  const digits = '9'.repeat(65_000);
  const original = globalThis.BigInt;
  globalThis.BigInt = (() => {
    throw new Error('BigInt called');
  }) as unknown as BigIntConstructor;
  try {
    assert.equal(canon(digits), digits);
    assert.equal(canon(`-${digits}`), `-${digits}`);
    assert.equal(canon(`{"id":${digits}}`), `{"id":${digits}}`);
    assert.equal(canonicalJson(new JsonNumber(`-000${digits}`)), `-${digits}`);
  } finally {
    globalThis.BigInt = original;
  }
});

test('deeply nested values are written into one text, not joined once per level (which copied it 63 times)', () => {
  const text = `${'['.repeat(63)}${'1,'.repeat(8000)}1${']'.repeat(63)}`;
  const nestedObjects = `${'{"a":'.repeat(63)}[${'1,'.repeat(8000)}1]${'}'.repeat(63)}`;
  for (const source of [text, nestedObjects]) {
    const r = parseJson(source);
    assert.ok(r.ok);
    const { result, calls } = counting(Array.prototype, 'join', () => canonicalJson(r.value));
    assert.equal(result, source);
    assert.equal(calls, 0, 'Array.prototype.join calls');
  }
});

test('quote writes every string as JSON.stringify does (property)', () => {
  const special = fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\uD800', '\uDC00', '\u{1F600}', 'é', 'a');
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.array(special, { maxLength: 70 }).map((a) => a.join('')));
  fc.assert(
    fc.property(text, (s) => assert.equal(quote(s), JSON.stringify(s))),
    { numRuns: 5000 },
  );
});
