/**
 * rohrpost `auth_jwt` on a live server: each request's token is verified before its handler runs, the claims reach
 * the handler (and canSubscribe), refused tokens get an error reply and the connection stays open, ping needs no
 * token, and a key set that cannot be fetched is reported as such.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import { createJwtVerifier } from '../../src/auth/jwt.js';
import { nodeHttpGet } from '../../src/transport/http-client.js';
import { connect } from '../helpers/client.js';
import { start, type Running } from '../helpers/server.js';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
function token(claims: object, secret = 'k'): string {
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
const soon = (): number => Math.floor(Date.now() / 1000) + 600;

let rc: Running;
const url = (r: Running): string => `ws://127.0.0.1:${r.port}/ws/rohrpost/`;

before(async () => {
  rc = await start({
    // The connection itself is anonymous, with no rooms: as with rohrpost, the token in each message decides.
    auth: createAnonymousAuth([]),
    rohrpost: {
      authJwt: { verify: createJwtVerifier({ secret: 'k', audience: 'app' }) },
      canSubscribe: (_identity, target, _request, claims) => Array.isArray(claims?.collections) && claims.collections.includes(target.id),
    },
  });
  rc.server.handle('whoami', (ctx) => ctx.reply({ sub: ctx.claims?.sub }));
});
after(() => rc.close());

test('verified claims reach the handler; refused tokens are answered and the connection stays open', async () => {
  const c = await connect(url(rc));
  const good = token({ sub: 'u1', aud: 'app', exp: soon() });
  assert.deepEqual(await c.ask({ type: 'whoami', id: 1, auth_jwt: good }), { id: 1, type: 'whoami', data: { sub: 'u1' } });
  assert.deepEqual(await c.ask({ type: 'whoami', id: 2 }), { id: 2, type: 'whoami', error: 'Invalid or expired token.', data: { reason: 'auth_jwt missing' } });
  assert.deepEqual(await c.ask({ type: 'whoami', id: 3, auth_jwt: '' }), { id: 3, type: 'whoami', error: 'Invalid or expired token.', data: { reason: 'auth_jwt missing' } });
  const expired = token({ sub: 'u1', aud: 'app', exp: Math.floor(Date.now() / 1000) - 3600 });
  assert.deepEqual(await c.ask({ type: 'whoami', id: 4, auth_jwt: expired }), { id: 4, type: 'whoami', error: 'Invalid or expired token.', data: { reason: 'token expired' } });
  assert.deepEqual(await c.ask({ type: 'whoami', id: 5, auth_jwt: token({ sub: 'u1', aud: 'app' }, 'forged') }), { id: 5, type: 'whoami', error: 'Invalid or expired token.', data: { reason: 'bad signature' } });
  assert.deepEqual(await c.ask({ type: 'whoami', id: 6, auth_jwt: token({ sub: 'u1', aud: 'other' }) }), { id: 6, type: 'whoami', error: 'Invalid or expired token.', data: { reason: 'wrong audience' } });
  const stringExp = token({ sub: 'u1', aud: 'app', exp: '1796174166' });
  assert.deepEqual(await c.ask({ type: 'whoami', id: 10, auth_jwt: stringExp }), { id: 10, type: 'whoami', error: 'Invalid or expired token.', data: { reason: 'exp is not a NumericDate' } });
  assert.deepEqual(await c.ask({ type: 'ping', id: 7 }), { id: 7, type: 'pong' }, 'ping needs no token, as rohrpost.js sends it');
  assert.deepEqual(await c.ask({ type: 'nope', id: 8 }), { id: 8, type: 'nope', error: "Unknown message type 'nope'." }, 'unknown types are reported before the token');
  assert.deepEqual(await c.ask({ type: 'whoami', id: 9, auth_jwt: good }), { id: 9, type: 'whoami', data: { sub: 'u1' } });
  await c.close();
});

test('subscribe as rohrpost.js sends it: canSubscribe decides from the claims', async () => {
  const c = await connect(url(rc));
  const jwt = token({ sub: 'u1', aud: 'app', collections: [52] });
  assert.deepEqual(await c.ask({ type: 'subscribe', id: 1, auth_jwt: jwt, data: { type: 'collection', id: 52 } }), { id: 1, type: 'subscribe', data: { group: 'collection-52' } });
  assert.deepEqual(await c.ask({ type: 'subscribe', id: 2, auth_jwt: jwt, data: { type: 'collection', id: 53 } }), { id: 2, type: 'subscribe', error: 'ACCESS_DENIED' });
  assert.deepEqual(await c.ask({ type: 'subscribe', id: 3, data: { type: 'collection', id: 52 } }), { id: 3, type: 'subscribe', error: 'Invalid or expired token.', data: { reason: 'auth_jwt missing' } });
  rc.server.sendToGroup('collection-52', 'subscription-update', { group: 'collection-52', type: 'update' });
  assert.deepEqual(await c.next(), { type: 'subscription-update', data: { group: 'collection-52', type: 'update' } });
  await c.close();
});

test('a key set that cannot be fetched: "Authentication unavailable." and the connection stays open', async () => {
  const down = await start({
    auth: createAnonymousAuth([]),
    rohrpost: { authJwt: { verify: createJwtVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks', httpGet: nodeHttpGet }) } },
  });
  try {
    down.server.handle('whoami', (ctx) => ctx.reply({ sub: ctx.claims?.sub }));
    const c = await connect(url(down));
    const rs = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ sub: 'u1' })}.c2ln`;
    assert.deepEqual(await c.ask({ type: 'whoami', id: 1, auth_jwt: rs }), { id: 1, type: 'whoami', error: 'Authentication unavailable.' });
    assert.deepEqual(await c.ask({ type: 'ping', id: 2 }), { id: 2, type: 'pong' });
    await c.close();
  } finally {
    await down.close();
  }
});
