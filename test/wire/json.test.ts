import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JsonNumber, parseJson, type JsonValue } from '../../src/wire/json.js';
import { parseMembers } from '../../src/wire/members.js';
import { counting } from '../helpers/spy.js';
import { jsonNumberLexeme } from '../helpers/arbitraries.js';

/** Plain JS view of a parsed value, for comparison with JSON.parse. */
function plain(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).map((k) => [k, plain(v[k] as JsonValue)]));
  return v;
}

test('agrees with JSON.parse on every JSON text (property)', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
      const text = JSON.stringify(value);
      const r = parseJson(text);
      assert.ok(r.ok, `rejected ${text}`);
      assert.deepEqual(plain(r.value), JSON.parse(text));
    }),
    { numRuns: 500 },
  );
});

test('accepts and rejects exactly what JSON.parse does, never throwing (property)', () => {
  const nearJson = fc.oneof(
    fc.string(),
    fc.json().map((t) => t.slice(0, Math.max(0, t.length - 1))),
    fc.tuple(fc.json(), fc.string({ maxLength: 3 })).map(([a, b]) => a + b),
    fc.constantFrom('01', '1.', '.5', '-', '1e', '"\\x"', '"\\u12"', '[1,]', '{"a":1,}', 'tru', 'nul', '"\u0001"', ' ', '{"a" 1}'),
  );
  fc.assert(
    fc.property(nearJson, (text) => {
      let expected = true;
      try {
        JSON.parse(text);
      } catch {
        expected = false;
      }
      // JSON.parse tolerates a leading BOM-less whitespace set identical to ours; depth limits aside they agree.
      assert.equal(parseJson(text, { maxDepth: 1000 }).ok, expected, `disagree on ${JSON.stringify(text)}`);
    }),
    { numRuns: 2000 },
  );
});

test('keeps numbers JS cannot carry as exact lexemes', () => {
  const r = parseJson('[1, 1.0, 12345678901234567890, -0, 1e2, 9007199254740991, 9007199254740993]');
  assert.ok(r.ok && Array.isArray(r.value));
  const [a, b, c, d, e, f, g] = r.value;
  assert.equal(a, 1);
  assert.ok(b instanceof JsonNumber && b.lexeme === '1.0' && !b.isInteger);
  assert.ok(c instanceof JsonNumber && c.lexeme === '12345678901234567890' && c.isInteger);
  assert.ok(Object.is(d, -0));
  assert.ok(e instanceof JsonNumber && e.lexeme === '1e2');
  assert.equal(f, 9007199254740991);
  assert.ok(g instanceof JsonNumber && g.lexeme === '9007199254740993');
});

test('__proto__ is plain data', () => {
  const r = parseJson('{"__proto__":{"polluted":true},"constructor":1}');
  assert.ok(r.ok);
  const obj = r.value as Record<string, unknown>;
  assert.deepEqual(Object.keys(obj), ['__proto__', 'constructor']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(obj), null);
});

test('raw member text is the exact source slice', () => {
  const r = parseJson('{ "rooms" : [ {"a":1} ], "data" : {"x": 1.0, "y": [1, 2]} }', { raw: true });
  assert.ok(r.ok);
  assert.equal(r.raw?.get('data'), '{"x": 1.0, "y": [1, 2]}');
  assert.equal(r.raw?.get('rooms'), '[ {"a":1} ]');
});

test('deep nesting fails cleanly instead of overflowing the stack', () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const r = parseJson(deep);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.error, 'nested deeper than 64 levels');
  assert.equal(!r.ok && r.at, 64);
  assert.ok(parseJson('['.repeat(64) + ']'.repeat(64)).ok, '64 levels are allowed');
  const three = parseJson('[[[[]]]]', { maxDepth: 3 });
  assert.equal(!three.ok && three.error, 'nested deeper than 3 levels');
});

test('parseMembers finds the same member texts as parseJson, blanks and escapes included (property)', () => {
  // Indented output puts newlines and blanks between tokens, as hand-written or Python-made bodies have them.
  const indent = fc.constantFrom<string | number>('', ' ', '\t', 4);
  const key = fc.oneof(fc.string(), fc.constantFrom('a"b', 'a\\', '\\"', '__proto__', 'data'));
  fc.assert(
    fc.property(fc.dictionary(key, fc.jsonValue({ maxDepth: 4 })), indent, (object, space) => {
      const text = JSON.stringify(object, null, space);
      const expected = parseJson(text, { raw: true });
      const actual = parseMembers(text);
      assert.ok(expected.ok && actual.ok, `rejected ${text}`);
      assert.deepEqual(actual.raw, expected.raw);
      assert.deepEqual(actual.value, JSON.parse(text));
    }),
    { numRuns: 1000 },
  );
});

test('parseMembers accepts and rejects what parseJson does, depth limit included (property)', () => {
  const nested = fc.tuple(fc.integer({ min: 1, max: 70 }), fc.boolean()).map(([n, obj]) => (obj ? `{"a":${'['.repeat(n)}${']'.repeat(n)}}` : '['.repeat(n) + ']'.repeat(n)));
  const nearJson = fc.oneof(fc.string(), fc.json(), fc.json().map((t) => t.slice(0, Math.max(0, t.length - 1))), nested, fc.constantFrom('{"a":1,}', '{"a" 1}', '{"a":"\\"}', ' {} ', '{"a":1}x'));
  fc.assert(
    fc.property(nearJson, fc.integer({ min: 1, max: 66 }), (text, maxDepth) => {
      const expected = parseJson(text, { raw: true, maxDepth });
      const actual = parseMembers(text, { maxDepth });
      assert.equal(actual.ok, expected.ok, `disagree on ${JSON.stringify(text)} at depth ${maxDepth}`);
      if (actual.ok && expected.ok) assert.deepEqual(actual.raw, expected.raw);
    }),
    { numRuns: 3000 },
  );
});

test('parseMembers: deep nesting and huge payloads fail or pass cleanly', () => {
  const deep = `{"d":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  assert.deepEqual(parseMembers(deep), { ok: false, reason: 'depth', error: 'nested deeper than 64 levels', at: 5 });
  const big = `{"d":"${'x'.repeat(1_000_000)}","e":1}`;
  const r = parseMembers(big);
  assert.ok(r.ok && r.raw?.get('e') === '1' && r.raw.get('d')?.length === 1_000_002);
});

test('numbers: an exact integer is its value, anything else its lexeme, as the grammar reads them (property)', () => {
  const lexeme = jsonNumberLexeme({ integer: 40, fraction: 20, exponent: 4 });
  fc.assert(
    fc.property(lexeme, fc.constantFrom('', ' ', ']'), (text, after) => {
      const r = parseJson(`[${text}${after === ']' ? '' : after}]`);
      assert.ok(r.ok && Array.isArray(r.value), text);
      const v = r.value[0];
      const exact = /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text));
      if (exact) assert.ok(Object.is(v, Number(text)), `${text} → ${String(v)}`);
      else assert.ok(v instanceof JsonNumber && v.lexeme === text && v.isInteger === /^-?\d+$/.test(text), text);
    }),
    { numRuns: 3000 },
  );
  // A fraction or exponent without digits ends the number; what follows fails as the next token.
  for (const text of ['1.', '1.e5', '1e', '1e+', '-', '-a', '01', '.5', '1.5e']) assert.equal(parseJson(text).ok, false, text);
  assert.deepEqual(parseJson('1.x'), { ok: false, reason: 'syntax', error: 'unexpected trailing text', at: 1 });
  assert.deepEqual(parseJson('[-]'), { ok: false, reason: 'syntax', error: 'unexpected character', at: 1 });
});

test('unicode escapes in either case, and bad ones rejected where they start', () => {
  const text = '"\\u00E9\\u00e9\\uD83D\\ude00\\u0041\\uFfFf"';
  const r = parseJson(text);
  assert.ok(r.ok && r.value === JSON.parse(text));
  for (const bad of ['"\\u00g9"', '"\\u00"', '"\\u', '"\\u-123"', '"\\u 123"']) {
    const f = parseJson(bad);
    assert.deepEqual(f, { ok: false, reason: 'syntax', error: 'bad unicode escape', at: 3 }, bad);
  }
});

test('numbers and \\u escapes are scanned by hand: no regex runs per token (a 64 KB frame holds 32,000 numbers)', () => {
  const numbers = ['1', '-0', '123456789012345', '-9007199254740993', '9'.repeat(400), '1.5', '-0.0e+12', '2E-3'];
  const text = `{"n":[${Array.from({ length: 500 }, (_, i) => numbers[i % numbers.length]).join(',')}],"s":"${'\\u00e9\\u00C9\\n'.repeat(500)}"}`;
  const { result, calls } = counting(RegExp.prototype, 'exec', () => parseJson(text));
  assert.equal(calls, 0, 'RegExp.prototype.exec calls');
  assert.ok(result.ok && isObject(result.value));
  const n = result.value.n as JsonValue[];
  assert.equal(n.length, 500);
  n.forEach((v, i) => {
    const lexeme = numbers[i % numbers.length] as string;
    if (v instanceof JsonNumber) assert.equal(v.lexeme, lexeme);
    else assert.equal(v, Number(lexeme));
  });
  assert.equal(result.value.s, '\u00e9\u00C9\n'.repeat(500));
});

function isObject(v: JsonValue): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}
