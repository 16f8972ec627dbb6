/**
 * Reconnect delays: within their bounds whatever the random source, growing until the cap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { backoffDelay } from '../../src/client/backoff.js';

test('every delay lies in [base × (1 − jitter), base] with base = min(max, min × factor^attempt)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 1, max: 5000 }),
      fc.integer({ min: 1, max: 120_000 }),
      fc.double({ min: 1, max: 4, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 0.999999, noNaN: true }),
      (attempt, minMs, maxMs, factor, jitter, r) => {
        const base = Math.min(maxMs, minMs * factor ** attempt);
        const delay = backoffDelay(attempt, { minMs, maxMs, factor, jitter }, () => r);
        assert.ok(delay <= Math.round(base) + 1 && delay >= Math.floor(base * (1 - jitter)) - 1, `${delay} outside [${base * (1 - jitter)}, ${base}]`);
      },
    ),
  );
});

test('defaults: 500 ms doubling to a 30 s cap, jitter spreads the lower half', () => {
  assert.equal(backoffDelay(0, {}, () => 0), 500);
  assert.equal(backoffDelay(0, {}, () => 0.999999), 250);
  assert.equal(backoffDelay(3, {}, () => 0), 4000);
  assert.equal(backoffDelay(20, {}, () => 0), 30_000);
});
