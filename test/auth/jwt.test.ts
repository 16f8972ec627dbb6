import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import { interpretBootstrap } from '../../src/auth/bootstrap-response.js';
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
    assert.equal(result.identity.expiresAt, (soon + 30) * 1000, 'exp plus the clock tolerance');
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

test('exp, nbf and iat must be NumericDates (numbers): a string, null or boolean refuses the token', () => {
  // A correctly signed token with "exp": "1796174166" used to never expire.
  assert.deepEqual(verifyJwt(hs256({ exp: '1796174166' }), { secret: 's3cret' }, now), { error: 'exp is not a NumericDate' });
  assert.deepEqual(verifyJwt(hs256({ exp: soon, nbf: String(soon - 900) }), { secret: 's3cret' }, now), { error: 'nbf is not a NumericDate' });
  assert.deepEqual(verifyJwt(hs256({ iat: null }), { secret: 's3cret' }, now), { error: 'iat is not a NumericDate' });
  assert.ok('claims' in verifyJwt(hs256({ exp: soon + 0.5, nbf: 0, iat: Math.floor(now / 1000) }), { secret: 's3cret' }, now), 'fractions and 0 are NumericDates');
  // Fractions and exponents parse as exact lexemes (JsonNumber): they still expire.
  const past = Math.floor(now / 1000) - 120;
  assert.deepEqual(verifyJwt(hs256({ exp: past + 0.5 }), { secret: 's3cret' }, now), { error: 'token expired' });
  const raw = (claims: string): string => {
    const body = `${b64({ alg: 'HS256' })}.${Buffer.from(claims).toString('base64url')}`;
    return `${body}.${createHmac('sha256', 's3cret').update(body).digest('base64url')}`;
  };
  assert.deepEqual(verifyJwt(raw(`{"exp":${past}e0}`), { secret: 's3cret' }, now), { error: 'token expired' });
  assert.deepEqual(verifyJwt(raw(`{"exp":${past}.0}`), { secret: 's3cret' }, now), { error: 'token expired' });
  assert.deepEqual(verifyJwt(raw(`{"exp":${soon},"nbf":1e400}`), { secret: 's3cret' }, now), { error: 'nbf is not a NumericDate' }, '1e400 is no finite date');
  const notNumber = fc.jsonValue({ maxDepth: 1 }).filter((v) => typeof v !== 'number');
  fc.assert(
    fc.property(fc.constantFrom('exp', 'nbf', 'iat'), notNumber, (name, value) => {
      assert.deepEqual(verifyJwt(hs256({ sub: 'u', [name]: value }), { secret: 's3cret' }, now), { error: `${name} is not a NumericDate` });
    }),
  );
});

test('allowed_rooms is validated as a bootstrap answer is: any claim the bootstrap path refuses, the JWT path refuses', async () => {
  const auth = createJwtAuth({ secret: 's3cret' });
  const signal = new AbortController().signal;
  const answer = async (rooms: unknown) => auth(req(`/ws/?jwt_token=${hs256(rooms === undefined ? { sub: 'u' } : { sub: 'u', allowed_rooms: rooms })}`), signal);
  assert.deepEqual(await answer('x'), { kind: 'denied', reason: 'token allowed_rooms is not a list' });
  assert.deepEqual(await answer(null), { kind: 'denied', reason: 'token allowed_rooms is null' });
  assert.deepEqual(await answer(['x']), { kind: 'denied', reason: 'token allowed_rooms holds a string' });
  assert.deepEqual(await answer([1]), { kind: 'denied', reason: 'token allowed_rooms holds an element that is not a room object' });
  const pairs = await answer([[['a', 'b']]]);
  assert.deepEqual(pairs.kind === 'allowed' && pairs.identity.rooms.allowed.map((r) => r.key), ['{"a":"b"}']);
  const none = await answer(undefined);
  assert.deepEqual(none.kind === 'allowed' && none.identity.rooms.allowed, []);
  const rooms = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })), { maxLength: 3 }));
  await fc.assert(
    fc.asyncProperty(rooms, async (value) => {
      const viaBootstrap = interpretBootstrap({ status: 200, contentType: 'application/json', body: JSON.stringify({ allowed_rooms: value }) });
      const viaToken = await answer(value);
      assert.equal(viaToken.kind, viaBootstrap.kind === 'allowed' ? 'allowed' : 'denied');
      if (viaToken.kind === 'allowed' && viaBootstrap.kind === 'allowed') {
        assert.deepEqual(viaToken.identity.rooms.allowed.map((r) => r.key), viaBootstrap.identity.rooms.allowed.map((r) => r.key));
      }
    }),
  );
});

test('one expiry rule: a token accepted at exp + tolerance is valid exactly until then (the identity expires there)', async () => {
  const exp = Math.floor(now / 1000) - 10;
  assert.ok('claims' in verifyJwt(hs256({ exp }), { secret: 's3cret' }, now), '10 s past exp, within the 30 s tolerance');
  assert.ok('claims' in verifyJwt(hs256({ exp }), { secret: 's3cret' }, (exp + 30) * 1000 - 1));
  assert.deepEqual(verifyJwt(hs256({ exp }), { secret: 's3cret' }, (exp + 30) * 1000), { error: 'token expired' });
  assert.deepEqual(verifyJwt(hs256({ exp }), { secret: 's3cret', clockToleranceSec: 0 }, now), { error: 'token expired' });
  for (const clockToleranceSec of [undefined, 0, 5, 30]) {
    const tolerance = clockToleranceSec ?? 30;
    const result = await createJwtAuth({ secret: 's3cret', ...(clockToleranceSec !== undefined ? { clockToleranceSec } : {}) })(req(`/ws/?jwt_token=${hs256({ exp: soon })}`), new AbortController().signal);
    assert.equal(result.kind === 'allowed' && result.identity.expiresAt, (soon + tolerance) * 1000, 'the connection closes when verifyJwt would start refusing the token');
  }
});
