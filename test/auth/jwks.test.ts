/**
 * The key set without sockets: which keys a set yields, which key a kid picks, and the cache's fetch schedule
 * (lazy, shared, refetch on unknown kid within the cooldown, background refresh, failures) on a fake clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { HttpGet, HttpGetResponse } from '../../src/auth/http-get.js';
import { createJwksCache, parseJwks, selectKey, type KeyLookup } from '../../src/auth/jwks.js';
import type { Logger } from '../../src/log.js';

const pair = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
const [k1, k2] = [pair(), pair()];
const jwk = (key: KeyObject, extra: object = {}): object => ({ ...key.export({ format: 'jwk' }), ...extra });
const set = (...keys: unknown[]): string => JSON.stringify({ keys });
const same = (a: KeyObject, b: KeyObject): boolean => a.equals(b);

test('parseJwks keeps RSA signing keys of 2048 bits or more and skips the rest', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const parsed = parseJwks(
    set(
      jwk(k1, { kid: 'a' }),
      jwk(k2, { kid: 'b', use: 'sig', alg: 'RS256' }),
      jwk(k2, { kid: 'enc', use: 'enc' }),
      jwk(k2, { kid: 'ps', alg: 'PS256' }),
      { ...ec, kid: 'ec' },
      { kty: 'RSA', kid: 'tiny', n: 'AA', e: 'AQAB' },
      jwk(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey, { kid: 'short' }),
      { kty: 'RSA', kid: 7, n: 'x', e: 'AQAB' },
      'not a key',
    ),
  );
  assert.ok('keys' in parsed);
  assert.deepEqual(parsed.keys.map((k) => k.kid), ['a', 'b']);
  assert.ok(same(parsed.keys[0]!.key, k1));
  // A private JWK yields only its public key.
  const priv = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fromPrivate = parseJwks(set({ ...priv.privateKey.export({ format: 'jwk' }), kid: 'p' }));
  assert.ok('keys' in fromPrivate && fromPrivate.keys[0]!.key.type === 'public' && same(fromPrivate.keys[0]!.key, priv.publicKey));
  assert.deepEqual(parseJwks('nope'), { error: 'JWKS is not JSON (unexpected character at 0)' });
  assert.deepEqual(parseJwks('{"keys":{}}'), { error: 'JWKS has no "keys" list' });
  assert.deepEqual(parseJwks(set(jwk(k1, { use: 'enc' }))), { error: 'JWKS holds no RSA signing key (kty RSA, use sig, alg RS256)' });
});

test('selectKey: by kid; without kid only from a one-key set', () => {
  const keys = [{ kid: 'a', key: k1 }, { kid: 'b', key: k2 }];
  assert.ok(same((selectKey(keys, 'b') as { key: KeyObject }).key, k2));
  assert.deepEqual(selectKey(keys, 'c'), { error: 'unknown key id' });
  assert.deepEqual(selectKey(keys, undefined), { error: 'token has no kid and the key set holds 2 keys' });
  assert.ok(same((selectKey([{ kid: undefined, key: k1 }], undefined) as { key: KeyObject }).key, k1));
});

/** An in-memory issuer: answers with `body`, counts requests, can fail or hold the answer. */
function issuer(body: string) {
  const state = {
    body,
    calls: 0,
    answer: undefined as Awaited<ReturnType<HttpGet>> | undefined,
    hold: undefined as Promise<void> | undefined,
  };
  const httpGet: HttpGet = async (req) => {
    state.calls++;
    assert.equal(req.maxBodyBytes, 1024 * 1024);
    assert.equal(req.timeoutMs, 5000);
    if (state.hold !== undefined) await state.hold;
    return state.answer ?? ({ status: 200, contentType: 'application/json', body: state.body } satisfies HttpGetResponse);
  };
  return { state, httpGet };
}
const clock = { t: 1_000_000 };
const now = (): number => clock.t;
const keyOf = (r: KeyLookup): KeyObject => {
  assert.equal(r.kind, 'key', JSON.stringify(r));
  return (r as { key: KeyObject }).key;
};

test('fetched on first need, cached, and shared by concurrent needs', async () => {
  const { state, httpGet } = issuer(set(jwk(k1, { kid: 'a' })));
  const cache = createJwksCache({ url: 'http://issuer/jwks', httpGet, now });
  assert.equal(state.calls, 0, 'lazy');
  const [r1, r2] = await Promise.all([cache.key('a'), cache.key('a')]);
  assert.ok(same(keyOf(r1), k1) && same(keyOf(r2), k1));
  assert.ok(same(keyOf(await cache.key(undefined)), k1), 'a one-key set serves a token without kid');
  assert.equal(state.calls, 1);
});

test('an unknown kid refetches (key rotation), at most once per cooldown', async () => {
  const { state, httpGet } = issuer(set(jwk(k1, { kid: 'a' })));
  const cache = createJwksCache({ url: 'http://issuer/jwks', httpGet, now, cooldownMs: 30_000 });
  await cache.key('a');
  clock.t += 30_000;
  state.body = set(jwk(k1, { kid: 'a' }), jwk(k2, { kid: 'b' }));
  assert.ok(same(keyOf(await cache.key('b')), k2), 'rotated key picked up');
  assert.equal(state.calls, 2);
  assert.deepEqual(await cache.key('forged'), { kind: 'denied', reason: 'unknown key id' });
  assert.deepEqual(await cache.key('forged2'), { kind: 'denied', reason: 'unknown key id' });
  assert.equal(state.calls, 2, 'within the cooldown of the last fetch: no refetch');
  clock.t += 30_000;
  assert.deepEqual(await cache.key('forged'), { kind: 'denied', reason: 'unknown key id' });
  assert.equal(state.calls, 3);
  assert.deepEqual(await cache.key(undefined), { kind: 'denied', reason: 'token has no kid and the key set holds 2 keys' });
  assert.equal(state.calls, 3, 'a missing kid does not refetch');
});

test('an old set is refreshed in the background: the cached key answers at once', async () => {
  const { state, httpGet } = issuer(set(jwk(k1, { kid: 'a' })));
  const cache = createJwksCache({ url: 'http://issuer/jwks', httpGet, now, maxAgeMs: 600_000 });
  await cache.key('a');
  clock.t += 600_000;
  state.body = set(jwk(k2, { kid: 'a' }));
  let release!: () => void;
  state.hold = new Promise((r) => (release = r));
  assert.ok(same(keyOf(await cache.key('a')), k1), 'not waiting for the refresh');
  assert.equal(state.calls, 2);
  release();
  state.hold = undefined;
  await new Promise((r) => setImmediate(r));
  assert.ok(same(keyOf(await cache.key('a')), k2));
  assert.equal(state.calls, 2);
});

test('failures: none cached → failed (502, 504 on timeout); cached → kept, with a warning', async () => {
  const warnings: object[] = [];
  const logger: Logger = { debug: () => {}, info: () => {}, error: () => {}, warn: (ctx) => void warnings.push(ctx) };
  const { state, httpGet } = issuer(set(jwk(k1, { kid: 'a' })));
  const cache = createJwksCache({ url: 'http://issuer/jwks', httpGet, now, logger });
  state.answer = { failure: 'unreachable', detail: 'connect ECONNREFUSED' };
  assert.deepEqual(await cache.key('a'), { kind: 'failed', status: 502, reason: 'JWKS unreachable: connect ECONNREFUSED' });
  state.answer = { failure: 'timeout', detail: 'no answer within 5000 ms' };
  assert.deepEqual(await cache.key('a'), { kind: 'failed', status: 504, reason: 'JWKS timeout: no answer within 5000 ms' });
  state.answer = { status: 404, contentType: 'text/html', body: '' };
  assert.deepEqual(await cache.key('a'), { kind: 'failed', status: 502, reason: 'JWKS answered 404' });
  assert.equal(state.calls, 3, 'with nothing cached every need tries again');
  state.answer = undefined;
  assert.ok(same(keyOf(await cache.key('a')), k1), 'recovers as soon as the issuer does');

  clock.t += 60_000;
  state.answer = { failure: 'too-large', detail: 'body over 1048576 bytes' };
  assert.deepEqual(await cache.key('b'), { kind: 'denied', reason: 'unknown key id' });
  assert.ok(same(keyOf(await cache.key('a')), k1), 'the cached set still serves');
  assert.deepEqual(warnings, [{ url: 'http://issuer/jwks', reason: 'JWKS too-large: body over 1048576 bytes' }]);
});

test('an injected httpGet that rejects is a failure, not an unhandled rejection', async () => {
  const cache = createJwksCache({ url: 'http://issuer/jwks', httpGet: () => Promise.reject(new Error('boom')), now });
  assert.deepEqual(await cache.key('a'), { kind: 'failed', status: 502, reason: 'JWKS unreachable: boom' });
});
