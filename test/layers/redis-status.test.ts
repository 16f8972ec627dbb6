/**
 * The Redis layer's `/healthz` detail while Redis is away: says which connection is in which state, in words,
 * and never shows the URL's password (`/healthz` is served without credentials).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedisLayer, redisDownDetail } from '../../src/layers/redis.js';

test('both connections in one state are named once', () => {
  assert.equal(
    redisDownDetail('reconnecting', 'reconnecting', 'redis://127.0.0.1:6379'),
    'redis at redis://127.0.0.1:6379 is not ready (both connections reconnecting): cross-node delivery is down, local delivery continues',
  );
});

test('connections in different states are named each', () => {
  assert.match(redisDownDetail('ready', 'connecting', 'redis://h:6379'), /\(publishing connection ready, subscribing connection connecting\)/);
});

test('the password is masked, user and host are kept: the status of a layer whose Redis is not connected', async () => {
  for (const [url, shown] of [
    ['redis://:s3cret@10.0.0.5:6379/0', 'redis://:***@10.0.0.5:6379/0'],
    ['rediss://app:s3cret@cache.example:6380', 'rediss://app:***@cache.example:6380'],
    ['redis://cache.example:6379', 'redis://cache.example:6379'],
  ] as const) {
    // lazyConnect: nothing connects until a server attaches the layer.
    const layer = createRedisLayer({ url });
    const { ok, detail = '' } = layer.status();
    await layer.close();
    assert.equal(ok, false);
    assert.ok(detail.includes(`redis at ${shown} `), detail);
    assert.ok(!detail.includes('s3cret'));
  }
});
