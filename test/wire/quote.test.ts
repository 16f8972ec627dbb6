import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QUOTE_CUT, QUOTE_LIMIT, quoted } from '../../src/wire/quote.js';

/** No lone surrogate: what a cut must never leave behind. */
const wellFormed = (s: string): boolean => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

test('short text is quoted whole; long text is cut to 64 code units and marked', () => {
  assert.equal(quoted('shop.Todo.list'), 'shop.Todo.list');
  assert.equal(quoted('a'.repeat(QUOTE_LIMIT)), 'a'.repeat(QUOTE_LIMIT));
  assert.equal(quoted('a'.repeat(QUOTE_LIMIT + 1)), `${'a'.repeat(QUOTE_LIMIT)}${QUOTE_CUT}`);
  assert.equal(quoted('x'.repeat(60_000)).length, QUOTE_LIMIT + 1);
  // A cut between the halves of an astral character keeps neither half.
  assert.equal(quoted(`${'a'.repeat(QUOTE_LIMIT - 1)}😀b`), `${'a'.repeat(QUOTE_LIMIT - 1)}${QUOTE_CUT}`);
});

test('property: a quote is bounded, a prefix of the text, whole when short, and never splits a character', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 2, max: 100 }), (text, max) => {
      const q = quoted(text, max);
      assert.ok(q.length <= max + QUOTE_CUT.length);
      if (text.length <= max) return assert.equal(q, text);
      assert.ok(q.endsWith(QUOTE_CUT));
      const kept = q.slice(0, -QUOTE_CUT.length);
      assert.ok(text.startsWith(kept));
      assert.ok(kept.length >= max - 1);
      if (wellFormed(text)) assert.ok(wellFormed(kept));
    }),
    { numRuns: 2000 },
  );
});
