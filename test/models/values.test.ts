/**
 * What text, JSON and timestamp fields accept, without a database: the timestamp parser is total, agrees with
 * Date.parse wherever a string is a real ISO date-time in range, refuses impossible dates instead of rolling them
 * over, and bounds the range in UTC; U+0000 and unpaired surrogates are refused in text and anywhere in JSON.
 * The same values on both engines: stored-values.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkValue } from '../../src/models/fields.js';
import { decodeFilter } from '../../src/models/filters.js';
import { jsonProblem, MAX_STORED_JSON_DEPTH, MAX_TIMESTAMP, MIN_TIMESTAMP, parseTimestamp, PATH_SEGMENTS, textProblem } from '../../src/models/values.js';
import { QUOTE_CUT, QUOTE_LIMIT } from '../../src/wire/quote.js';

const MIN_MS = Date.parse(MIN_TIMESTAMP);
const MAX_MS = Date.parse(MAX_TIMESTAMP);
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** An instant written in the given offset (minutes east of UTC), the way a client in that zone would. */
function written(ms: number, offset: number, digits: 0 | 3 | 6): string {
  const local = new Date(ms + offset * 60_000);
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const fraction = digits === 0 ? '' : `.${pad(local.getUTCMilliseconds(), 3)}${'0'.repeat(digits - 3)}`;
  const zone = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${date}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${fraction}${zone}`;
}
const offsetArb = fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 });

test('parseTimestamp never throws, and whatever it accepts is a canonical UTC instant in range', () => {
  fc.assert(
    fc.property(fc.oneof(fc.anything(), fc.string(), fc.stringMatching(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/)), (value) => {
      const parsed = parseTimestamp(value);
      if ('error' in parsed) return;
      const ms = Date.parse(parsed.iso);
      assert.ok(ms >= MIN_MS && ms <= MAX_MS, parsed.iso);
      assert.equal(new Date(ms).toISOString(), parsed.iso);
    }),
    { numRuns: 3000 },
  );
});

test('every instant in range, written in any offset, parses back to that instant (Date.parse agrees)', () => {
  fc.assert(
    fc.property(fc.integer({ min: MIN_MS, max: MAX_MS }), offsetArb, fc.constantFrom(0 as const, 3 as const, 6 as const), (ms, offset, digits) => {
      const instant = digits === 0 ? ms - (((ms % 1000) + 1000) % 1000) : ms;
      const text = written(instant, offset, digits);
      fc.pre(/^\d{4}-/.test(text)); // a client in that zone cannot write that instant with a four-digit year
      assert.deepEqual(parseTimestamp(text), { iso: new Date(instant).toISOString() }, text);
      if (Date.parse(text) !== instant) assert.fail(`Date.parse disagrees on ${text}`);
    }),
    { numRuns: 3000 },
  );
});

test('a day the month does not have is refused, never rolled over (Date.parse rolls 02-30 into March)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 29, max: 31 }), (year, month, day) => {
      const real = new Date(0);
      real.setUTCFullYear(year, month - 1, day);
      const exists = real.getUTCDate() === day;
      const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T12:00:00Z`;
      assert.equal('iso' in parseTimestamp(text), exists, text);
    }),
    { numRuns: 2000 },
  );
  assert.ok(!Number.isNaN(Date.parse('2026-02-30T00:00:00Z')), 'the bug this guards against: V8 takes Feb 30');
  assert.deepEqual(parseTimestamp('2026-02-30T00:00:00Z'), { error: 'must be a real date: 2026-02 has 28 days' });
  assert.deepEqual(parseTimestamp('2024-02-29T00:00:00Z'), { iso: '2024-02-29T00:00:00.000Z' });
  assert.deepEqual(parseTimestamp('1900-02-29'), { error: 'must be a real date: 1900-02 has 28 days' });
  assert.deepEqual(parseTimestamp('2000-02-29'), { iso: '2000-02-29T00:00:00.000Z' });
  assert.deepEqual(parseTimestamp('2026-13-01'), { error: 'must be a real date: there is no month 13' });
  assert.deepEqual(parseTimestamp('2026-04-31T00:00:00Z'), { error: 'must be a real date: 2026-04 has 30 days' });
  assert.deepEqual(parseTimestamp('2026-01-01T24:00:00Z'), { error: 'must be a real time: hours 00-23, minutes and seconds 00-59' });
  assert.deepEqual(parseTimestamp('2026-06-30T23:59:60Z'), { error: 'must be a real time: hours 00-23, minutes and seconds 00-59' });
  assert.deepEqual(parseTimestamp('2026-01-01T00:00:00+24:00'), { error: 'must have a real time zone offset: +24:00 is not one' });
});

test('the range is 0001-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z in UTC, whatever the offset', () => {
  const range = { error: `must fall from ${MIN_TIMESTAMP} to ${MAX_TIMESTAMP} (in UTC)` };
  assert.deepEqual(parseTimestamp('0001-01-01T00:00:00Z'), { iso: MIN_TIMESTAMP });
  assert.deepEqual(parseTimestamp('0001-01-01'), { iso: MIN_TIMESTAMP });
  assert.deepEqual(parseTimestamp('0001-01-01T01:00:00+01:00'), { iso: MIN_TIMESTAMP });
  assert.deepEqual(parseTimestamp('9999-12-31T23:59:59.999Z'), { iso: MAX_TIMESTAMP });
  assert.deepEqual(parseTimestamp('9999-12-31T23:59:59.999999Z'), { iso: MAX_TIMESTAMP }, 'digits past the millisecond are dropped');
  assert.deepEqual(parseTimestamp('9999-12-31T22:59:59.999-01:00'), { iso: MAX_TIMESTAMP });
  assert.deepEqual(parseTimestamp('0000-01-01T00:00:00Z'), range, 'PostgreSQL has no year 0');
  assert.deepEqual(parseTimestamp('0000-12-31'), range);
  assert.deepEqual(parseTimestamp('0001-01-01T00:59:59.999+01:00'), range);
  assert.deepEqual(parseTimestamp('0001-01-01T00:30:00+01:00'), range);
  assert.deepEqual(parseTimestamp('9999-12-31T23:00:00-01:00'), range);
  fc.assert(
    fc.property(fc.oneof(fc.integer({ min: MIN_MS - 2 * 86_400_000, max: MIN_MS - 1 }), fc.integer({ min: MAX_MS + 1, max: MAX_MS + 2 * 86_400_000 })), offsetArb, (ms, offset) => {
      const text = written(ms, offset, 3);
      if (/^\d{4}-/.test(text)) assert.deepEqual(parseTimestamp(text), range, text);
      else assert.equal('error' in parseTimestamp(text), true, text);
    }),
  );
});

test('forms: a date alone is midnight UTC; a date-time must carry Z or ±HH:MM; nothing else is guessed at', () => {
  assert.deepEqual(parseTimestamp('2026-11-24'), { iso: '2026-11-24T00:00:00.000Z' });
  assert.deepEqual(parseTimestamp('2026-11-24T12:00+01:00'), { iso: '2026-11-24T11:00:00.000Z' });
  assert.deepEqual(parseTimestamp('2026-11-24 12:00:00.5z'), { iso: '2026-11-24T12:00:00.500Z' });
  assert.deepEqual(parseTimestamp('2026-11-24T12:00:00-00:00'), { iso: '2026-11-24T12:00:00.000Z' });
  assert.deepEqual(parseTimestamp('2026-11-24t12:00:00+05:30'), { iso: '2026-11-24T06:30:00.000Z' });
  assert.deepEqual(parseTimestamp('2026-11-24T12:00:00'), { error: 'must say its time zone: end the time with Z or ±HH:MM' }, 'server-local time would differ per machine');
  for (const text of ['Tue Nov 24 2026', '2026-11-24T12:00:00+0100', '+002026-11-24T12:00:00Z', '-000001-01-01T00:00:00Z', '26-11-24', '2026-1-2', ' 2026-11-24', '2026-11-24T12:00:00.Z', '2026-11-24T12Z', '']) {
    assert.match((parseTimestamp(text) as { error: string }).error, /^must be an ISO 8601 date-time/, text);
  }
  assert.match(checkValue('timestamp', 20261124) ?? '', /^must be an ISO 8601 date-time/);
});

test('text: U+0000 and unpaired surrogates are refused, with where; every other string is taken as is', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.oneof(fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), fc.constantFrom('\u0000', 'a', 'é', '😀')) }), (text) => {
      // The oracle: a string survives UTF-8 (what both engines store) exactly when it has no unpaired surrogate.
      const utf8 = Buffer.from(text, 'utf8').toString('utf8') === text;
      const problem = textProblem(text);
      if (text.includes('\u0000')) assert.equal(problem, `must not contain U+0000 (at index ${text.indexOf('\u0000')})`);
      else if (!utf8) assert.match(problem ?? '', /^must be well-formed Unicode \(an unpaired surrogate at index \d+\)$/);
      else assert.equal(problem, undefined);
    }),
    { numRuns: 500 },
  );
  assert.equal(textProblem('a\ud83d\ude00b'), undefined, 'a surrogate pair is one character');
  assert.equal(textProblem('ab\ud800'), 'must be well-formed Unicode (an unpaired surrogate at index 2)');
  assert.equal(textProblem('\ude00\ud83d'), 'must be well-formed Unicode (an unpaired surrogate at index 0)');
  assert.equal(checkValue('text', 'a\u0000'), 'must not contain U+0000 (at index 1)');
});

test('JSON: strings and keys at any depth as text; only JSON values; bounded nesting; never throws', () => {
  fc.assert(
    fc.property(fc.jsonValue({ stringUnit: fc.constantFrom('a', 'é', '😀', '\u0000', '"'), maxDepth: 4 }), (json) => {
      const nul = JSON.stringify(json).includes('\\u0000');
      assert.equal(jsonProblem(json) !== undefined, nul, JSON.stringify(json));
    }),
    { numRuns: 1000 },
  );
  fc.assert(fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }), (v) => void jsonProblem(v)));
  assert.equal(jsonProblem({ a: [{ b: 'x\u0000' }] }), 'the string at $.a[0].b must not contain U+0000 (at index 1)');
  assert.equal(jsonProblem({ 'two words': { 'k\u0000': 1 } }), 'the key $["two words"]["k\\u0000"] must not contain U+0000 (at index 1)');
  assert.equal(jsonProblem(['\ud800']), 'the string at $[0] must be well-formed Unicode (an unpaired surrogate at index 0)');
  assert.equal(jsonProblem({ x: Number.NaN }), '$.x must be a finite number');
  assert.equal(jsonProblem({ at: new Date(0) }), '$.at must be a JSON value (an object, array, string, number, boolean or null), not a Date');
  assert.equal(jsonProblem(new Map([[1, 2]])), '$ must be a JSON value (an object, array, string, number, boolean or null), not a Map');
  assert.equal(jsonProblem(undefined), '$ must be a JSON value (an object, array, string, number, boolean or null), not undefined');
  assert.equal(jsonProblem([undefined]), '$[0] must be a JSON value (an object, array, string, number, boolean or null), not undefined');
  assert.equal(jsonProblem(10n), '$ must be a JSON value (an object, array, string, number, boolean or null), not a bigint');
  const nest = (depth: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { v };
    return v;
  };
  assert.equal(jsonProblem(nest(MAX_STORED_JSON_DEPTH)), undefined);
  assert.equal(jsonProblem(nest(MAX_STORED_JSON_DEPTH + 1)), `nests more than ${MAX_STORED_JSON_DEPTH} levels deep`);
  assert.equal(jsonProblem(nest(200_000)), `nests more than ${MAX_STORED_JSON_DEPTH} levels deep`, 'checked without recursion');
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.equal(jsonProblem(cycle), `nests more than ${MAX_STORED_JSON_DEPTH} levels deep`, 'a cycle from app code ends too');
});

test('JSON: a reason quotes keys bounded and cuts long paths, however long the keys or deep the value', () => {
  const long = 'k'.repeat(60_000);
  const cut = `${'k'.repeat(QUOTE_LIMIT)}${QUOTE_CUT}`;
  assert.equal(jsonProblem({ [`${long}\u0000`]: 1 }), `the key $["${cut}"] must not contain U+0000 (at index 60000)`);
  assert.equal(jsonProblem({ [long]: { x: Number.NaN } }), `$.${cut}.x must be a finite number`);
  assert.equal(jsonProblem({ [`${long} `]: ['\ud800'] }), `the string at $["${cut}"][0] must be well-formed Unicode (an unpaired surrogate at index 0)`);
  let deep: unknown = { bad: '\u0000' };
  for (let i = 0; i < 100; i++) deep = [deep];
  const half = PATH_SEGMENTS / 2;
  assert.equal(jsonProblem(deep), `the string at $${'[0]'.repeat(half)}${QUOTE_CUT}${'[0]'.repeat(half - 1)}.bad must not contain U+0000 (at index 0)`);
  const bound = 120 + PATH_SEGMENTS * (QUOTE_LIMIT + 8);
  fc.assert(
    fc.property(fc.array(fc.string({ minLength: 0, maxLength: 2000 }), { minLength: 1, maxLength: 40 }), fc.constantFrom('\u0000', Number.NaN, undefined), (keys, bad) => {
      let value: unknown = bad;
      for (const key of keys) value = { [key]: value };
      const problem = jsonProblem(value) ?? '';
      assert.ok(problem.length > 0 && problem.length <= bound, `${problem.length}: ${problem.slice(0, 200)}`);
    }),
    { numRuns: 300 },
  );
});

test('filters refuse the same values, in every operator, with the field named', () => {
  const fields = { id: 'key', s: 'text', at: 'timestamp' } as const;
  assert.deepEqual(decodeFilter({ s: 'a\u0000' }, fields), { error: 's: must not contain U+0000 (at index 1)' });
  assert.deepEqual(decodeFilter({ s: { contains: '\u0000' } }, fields), { error: 's: must not contain U+0000 (at index 0)' });
  assert.deepEqual(decodeFilter({ s: { in: ['ok', 'x\ud800'] } }, fields), { error: 's: must be well-formed Unicode (an unpaired surrogate at index 1)' });
  assert.deepEqual(decodeFilter({ $or: [{ s: { gte: '\u0000' } }] }, fields), { error: 's: must not contain U+0000 (at index 0)' });
  assert.deepEqual(decodeFilter({ at: { gt: '0000-06-01T00:00:00Z' } }, fields), { error: `at: must fall from ${MIN_TIMESTAMP} to ${MAX_TIMESTAMP} (in UTC)` });
  assert.deepEqual(decodeFilter({ at: '2026-02-30' }, fields), { error: 'at: must be a real date: 2026-02 has 28 days' });
  assert.deepEqual(decodeFilter({ at: { in: ['2026-01-01T01:00:00+01:00'] } }, fields), { filter: [{ field: 'at', type: 'timestamp', op: 'in', value: ['2026-01-01T00:00:00.000Z'] }] });
});
