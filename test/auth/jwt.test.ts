import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import type { HttpGet } from '../../src/auth/http-get.js';
import { createJwtAuth, createJwtVerifier, verifyJwt } from '../../src/auth/jwt.js';
import type { UpgradeRequest } from '../../src/auth/strategy.js';
import { toRoom } from '../../src/rooms/room.js';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
function hs256(claims: object, secret = 's3cret', header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const body = `${b64(header)}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
function rs256(claims: object): string {
  const body = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${body}.${sign('RSA-SHA256', Buffer.from(body), privateKey).toString('base64url')}`;
}
const now = Date.now();
const soon = Math.floor(now / 1000) + 600;
const req = (url: string, headers: Record<string, string> = {}): UpgradeRequest => ({ url, query: new URLSearchParams(url.split('?')[1] ?? ''), headers, remoteAddress: '127.0.0.1' });

test('HS256 and RS256 tokens verify; tampering, alg none and algorithm confusion do not', () => {
  assert.ok('claims' in verifyJwt(hs256({ sub: 'u1', exp: soon }), { secret: 's3cret' }, now));
  assert.ok('claims' in verifyJwt(rs256({ sub: 'u1' }), { publicKey: publicKey.export({ type: 'spki', format: 'pem' }) as string }, now, publicKey));
  assert.deepEqual(verifyJwt(hs256({ sub: 'u1' }, 'other'), { secret: 's3cret' }, now), { error: 'bad signature' });
  const token = hs256({ sub: 'u1' });
  const [h, , s] = token.split('.');
  assert.deepEqual(verifyJwt(`${h}.${b64({ sub: 'admin' })}.${s}`, { secret: 's3cret' }, now), { error: 'bad signature' });
  assert.deepEqual(verifyJwt(`${b64({ alg: 'none' })}.${b64({ sub: 'x' })}.`, { secret: 's3cret' }, now), { error: 'algorithm "none" not accepted' });
  // A client's algorithm is quoted back as a 64-character prefix at most (it reaches rohrpost replies as data.reason).
  assert.deepEqual(verifyJwt(`${b64({ alg: 'A'.repeat(60_000) })}.${b64({ sub: 'x' })}.`, { secret: 's3cret' }, now), { error: `algorithm "${'A'.repeat(63)}… not accepted` });
  // An HS256 token signed with the RSA public key as secret must not pass an RS256-only configuration.
  const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  assert.deepEqual(verifyJwt(hs256({ sub: 'x' }, pem), { publicKey: pem }, now, publicKey), { error: 'algorithm "HS256" not accepted' });
  assert.deepEqual(verifyJwt('a.b', { secret: 's' }, now), { error: 'malformed token' });
});

test('exp, nbf (with tolerance), issuer and audience', () => {
  const past = Math.floor(now / 1000) - 120;
  assert.deepEqual(verifyJwt(hs256({ exp: past }), { secret: 's3cret' }, now), { error: 'token expired' });
  assert.ok('claims' in verifyJwt(hs256({ exp: Math.floor(now / 1000) - 10 }), { secret: 's3cret' }, now), 'within the 30 s tolerance');
  assert.deepEqual(verifyJwt(hs256({ nbf: soon }), { secret: 's3cret' }, now), { error: 'token not yet valid' });
  assert.deepEqual(verifyJwt(hs256({ iss: 'a' }), { secret: 's3cret', issuer: 'b' }, now), { error: 'wrong issuer' });
  assert.deepEqual(verifyJwt(hs256({ aud: ['x', 'roomcast'] }), { secret: 's3cret', audience: 'roomcast' }, now).hasOwnProperty('claims'), true);
  assert.deepEqual(verifyJwt(hs256({ aud: 'x' }), { secret: 's3cret', audience: 'roomcast' }, now), { error: 'wrong audience' });
});

test('the strategy reads ?jwt_token=, ?token= or Authorization: Bearer; claims give user, rooms and expiry', async () => {
  const auth = createJwtAuth({ secret: 's3cret' });
  const signal = new AbortController().signal;
  const token = hs256({ sub: 'u7', exp: soon, allowed_rooms: [{ page: 'table', table_id: '*' }] });
  for (const r of [req(`/ws/?jwt_token=${token}`), req(`/ws/?token=${token}`), req('/ws/', { authorization: `Bearer ${token}` })]) {
    const result = await auth(r, signal);
    assert.equal(result.kind, 'allowed');
    if (result.kind !== 'allowed') continue;
    assert.equal(result.identity.user, 'u7');
    assert.equal(result.identity.expiresAt, soon * 1000);
    assert.ok(result.identity.rooms.allows(toRoom({ page: 'table', table_id: 1 } as never)!));
  }
  assert.deepEqual(await auth(req('/ws/'), signal), { kind: 'denied', reason: 'no token' });
  assert.deepEqual(await auth(req(`/ws/?jwt_token=${hs256({}, 'nope')}`), signal), { kind: 'denied', reason: 'bad signature' });
  assert.throws(() => createJwtAuth({}), TypeError);
});

test('with a jwksUrl: the kid picks the key; no kid uses publicKey, else the only key; HS256 never fetches', async () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signed = (claims: object, header: object, key = privateKey): string => {
    const body = `${b64({ alg: 'RS256', typ: 'JWT', ...header })}.${b64(claims)}`;
    return `${body}.${sign('RSA-SHA256', Buffer.from(body), key).toString('base64url')}`;
  };
  let keys: object[] = [{ ...publicKey.export({ format: 'jwk' }), kid: 'main' }];
  let calls = 0;
  const httpGet: HttpGet = async (r) => {
    calls++;
    assert.equal(r.url, 'https://issuer.example/jwks');
    return { status: 200, contentType: 'application/json', body: JSON.stringify({ keys }) };
  };
  const verify = createJwtVerifier({ jwksUrl: 'https://issuer.example/jwks', httpGet, secret: 's3cret' });
  assert.equal(calls, 0);
  assert.ok('claims' in (await verify(signed({ sub: 'u' }, { kid: 'main' }))));
  assert.ok('claims' in (await verify(signed({ sub: 'u' }, {}))), 'no kid: the only key of the set');
  assert.deepEqual(await verify(signed({ sub: 'u' }, { kid: 'main' }, other.privateKey)), { error: 'bad signature' });
  assert.deepEqual(await verify(signed({ sub: 'u' }, { kid: 7 })), { error: 'malformed token' });
  assert.equal(calls, 1);
  assert.ok('claims' in (await verify(hs256({ sub: 'u' }, 's3cret', { alg: 'HS256', kid: 'x' }))));
  assert.equal(calls, 1, 'an HS256 token with a kid does not consult the set');

  keys = [...keys, { ...other.publicKey.export({ format: 'jwk' }), kid: 'next' }];
  const both = createJwtVerifier({ jwksUrl: 'https://issuer.example/jwks', httpGet });
  assert.deepEqual(await both(signed({}, {})), { error: 'token has no kid and the key set holds 2 keys' });
  const withPem = createJwtVerifier({ jwksUrl: 'https://issuer.example/jwks', httpGet, publicKey: other.publicKey });
  assert.ok('claims' in (await withPem(signed({}, {}, other.privateKey))), 'no kid: the configured publicKey');
  assert.ok('claims' in (await withPem(signed({}, { kid: 'main' }))), 'a kid: the set');
});

test('with a jwksUrl that cannot be fetched the strategy fails (no decision), and bad options are listed', async () => {
  const httpGet: HttpGet = async () => ({ failure: 'unreachable', detail: 'connect ECONNREFUSED' });
  const auth = createJwtAuth({ jwksUrl: 'http://127.0.0.1:1/jwks', httpGet });
  const body = `${b64({ alg: 'RS256', kid: 'k' })}.${b64({})}`;
  const token = `${body}.${sign('RSA-SHA256', Buffer.from(body), privateKey).toString('base64url')}`;
  assert.deepEqual(await auth(req(`/ws/?jwt_token=${token}`), new AbortController().signal), {
    kind: 'failed',
    status: 502,
    reason: 'JWKS unreachable: connect ECONNREFUSED',
  });
  assert.throws(() => createJwtAuth({ jwksUrl: 'ftp://x/jwks' }), {
    name: 'TypeError',
    message: 'JWT auth: jwksUrl "ftp://x/jwks" is not an http(s) URL; jwksUrl needs an httpGet (e.g. nodeHttpGet)',
  });
  assert.throws(() => createJwtVerifier({}), { message: 'JWT auth: a secret (HS256), a publicKey or a jwksUrl (RS256) is needed' });
});
