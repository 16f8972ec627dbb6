import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseArgv } from '../../src/cli/argv.js';
import { FLAGS } from '../../src/cli/flags.js';
import { distance, suggest } from '../../src/cli/suggest.js';

const NAMES = FLAGS.map((f) => f.name);

test('did you mean: typos, swapped letters and beginnings of known names', () => {
  assert.deepEqual(suggest('prot', NAMES), ['port']);
  assert.deepEqual(suggest('idle-timeuot', NAMES), ['idle-timeout']);
  assert.deepEqual(suggest('redis', NAMES), ['redis-url', 'redis-prefix', 'redis-sharded']);
  assert.deepEqual(suggest('xyz', NAMES), []);
  assert.equal(distance('ab', 'ba'), 1);
  assert.equal(distance('', 'abc'), 3);
  assert.deepEqual(parseArgv(['-p', '80', '--redis'], FLAGS).problems, [
    'unknown flag -p (did you mean --port?)',
    'unknown flag --redis (did you mean --redis-url, --redis-prefix or --redis-sharded?)',
  ]);
  assert.deepEqual(parseArgv(['--a'], FLAGS).problems, ['unknown flag --a (see roomcast --help)'], 'more than three candidates help nobody');
});

test('distance is a metric on the words it compares (zero only for equal words, symmetric)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
      const d = distance(a, b);
      assert.equal(d, distance(b, a));
      assert.equal(d === 0, a === b);
      assert.ok(d <= Math.max(a.length, b.length));
    }),
  );
});

/** A flag and a value it accepts as text (never starting with --, which would be the next flag). */
const given = fc.constantFrom(...FLAGS).chain((flag) =>
  fc.record({
    flag: fc.constant(flag),
    value: flag.type === 'bool' ? fc.constant(true as const) : fc.string({ maxLength: 8 }).filter((v) => !v.startsWith('--')),
    inline: fc.boolean(),
  }),
);

test('every flag given in either form is read back, the last one of a non-list flag winning, with no problem', () => {
  fc.assert(
    fc.property(fc.array(given, { maxLength: 12 }), (items) => {
      const argv = items.flatMap(({ flag, value, inline }) =>
        value === true ? [`--${flag.name}`] : inline ? [`--${flag.name}=${value}`] : [`--${flag.name}`, value],
      );
      const parsed = parseArgv(argv, FLAGS);
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(parsed.positionals, []);
      for (const flag of FLAGS) {
        const mine = items.filter((i) => i.flag === flag).map((i) => i.value);
        const expected = mine.length === 0 ? undefined : flag.type === 'list' ? mine : mine.at(-1);
        assert.deepEqual(parsed.values.get(flag.name), expected, flag.name);
      }
    }),
  );
});

test('any words at all: no throw, each unknown flag is one problem, only known flags get values', () => {
  const word = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...NAMES).map((n) => `--${n}`), fc.string({ maxLength: 6 }).map((s) => `--${s}`), fc.constant('--'));
  fc.assert(
    fc.property(fc.array(word, { maxLength: 12 }), (argv) => {
      const parsed = parseArgv(argv, FLAGS);
      for (const name of parsed.values.keys()) assert.ok(NAMES.includes(name), name);
      const end = argv.indexOf('--');
      const flagWords = (end === -1 ? argv : argv.slice(0, end)).filter((w) => w.startsWith('-') && w !== '-');
      assert.ok(parsed.problems.length <= flagWords.length, 'at most one problem a flag word');
      for (const p of parsed.problems) assert.match(p, /^(unknown flag -|--[a-z-]+: missing its value )/);
    }),
  );
});
