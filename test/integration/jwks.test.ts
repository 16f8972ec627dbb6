/**
 * JWT auth with a JSON Web Key Set on a live server: a real HTTP server on loopback serves the set (and counts its
 * fetches), real WebSocket clients connect with RS256 tokens. A valid kid connects; a rotated key is picked up once
 * the cooldown allows a refetch; unknown kids are refused without hammering the issuer; an issuer that is down
 * before any set was fetched makes the upgrade fail with 502.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createJwtAuth } from '../../src/auth/jwt.js';
import { nodeHttpGet } from '../../src/transport/http-client.js';
import { connect } from '../helpers/client.js';
import { start, type Running } from '../helpers/server.js';

const COOLDOWN_MS = 400;
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
function rs256(claims: object, kid: string, key: KeyObject): string {
  const body = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(claims)}`;
  return `${body}.${sign('RSA-SHA256', Buffer.from(body), key).toString('base64url')}`;
}
const pair = (): { privateKey: KeyObject; publicKey: KeyObject } => generateKeyPairSync('rsa', { modulusLength: 2048 });
const published = (kid: string, key: KeyObject): object => ({ ...key.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const first = pair();
const second = pair();
const issuer = { keys: [published('k1', first.publicKey)], fetches: 0 };
let jwks: Server;
let jwksUrl: string;
let rc: Running;

before(async () => {
  jwks = createHttpServer((req, res) => {
    issuer.fetches++;
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: issuer.keys }));
  });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  rc = await start({ auth: createJwtAuth({ jwksUrl, httpGet: nodeHttpGet, jwksCooldownMs: COOLDOWN_MS }) });
});
after(async () => {
  await rc.close();
  await new Promise((r) => jwks.close(r));
});

async function authorized(token: string): Promise<unknown> {
  const c = await connect(`${rc.wsUrl}?jwt_token=${token}`);
  const greeting = await c.next();
  await c.close();
  return greeting;
}

test('a valid kid connects; rotation is picked up after the cooldown; unknown kids do not hammer the issuer', async () => {
  assert.equal(issuer.fetches, 0, 'nothing fetched before the first token');
  const rooms = [{ board: 1 }];
  assert.deepEqual(await authorized(rs256({ sub: 'u1', allowed_rooms: rooms }, 'k1', first.privateKey)), { is_authorized: true, allowed_rooms: rooms });
  assert.deepEqual(await authorized(rs256({ sub: 'u1' }, 'k1', first.privateKey)), { is_authorized: true, allowed_rooms: [] });
  assert.equal(issuer.fetches, 1, 'the set is cached');

  // The issuer rotates to k2. Right after the first fetch the cooldown holds: k2 is unknown and not refetched.
  issuer.keys = [published('k1', first.publicKey), published('k2', second.publicKey)];
  const rotated = rs256({ sub: 'u2' }, 'k2', second.privateKey);
  assert.deepEqual(await authorized(rotated), { is_authorized: false });
  assert.equal(issuer.fetches, 1);
  await sleep(COOLDOWN_MS + 50);
  assert.deepEqual(await authorized(rotated), { is_authorized: true, allowed_rooms: [] });
  assert.equal(issuer.fetches, 2, 'one refetch found the rotated key');

  // Forged kids, many at once: refused, and within the cooldown no further fetch.
  const forged = await Promise.all([1, 2, 3, 4, 5].map((i) => authorized(rs256({ sub: 'x' }, `forged-${i}`, second.privateKey))));
  assert.deepEqual(forged, Array(5).fill({ is_authorized: false }));
  assert.equal(issuer.fetches, 2);
  // A known kid with the wrong key's signature is refused too, without a fetch.
  assert.deepEqual(await authorized(rs256({ sub: 'x' }, 'k1', second.privateKey)), { is_authorized: false });
  assert.equal(issuer.fetches, 2);

  // After the cooldown one unknown kid costs one fetch again, however many arrive together.
  await sleep(COOLDOWN_MS + 50);
  await Promise.all([1, 2, 3].map((i) => authorized(rs256({ sub: 'x' }, `forged-again-${i}`, second.privateKey))));
  assert.equal(issuer.fetches, 3);
});

test('the key set server down before any set was fetched: the upgrade fails with 502', async () => {
  const down = createHttpServer();
  await new Promise<void>((r) => down.listen(0, '127.0.0.1', r));
  const port = (down.address() as AddressInfo).port;
  await new Promise((r) => down.close(r));
  const rc2 = await start({ auth: createJwtAuth({ jwksUrl: `http://127.0.0.1:${port}/jwks`, httpGet: nodeHttpGet }) });
  try {
    const token = rs256({ sub: 'u1' }, 'k1', first.privateKey);
    await assert.rejects(connect(`${rc2.wsUrl}?jwt_token=${token}`), (err: Error & { status?: number; body?: string }) => {
      assert.equal(err.status, 502);
      assert.equal(err.body, 'authentication backend unavailable');
      return true;
    });
  } finally {
    await rc2.close();
  }
});
