/**
 * The per-request `auth_jwt` check without sockets: exempt types, missing and non-string tokens, the verifier's
 * three verdicts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JwtVerdict } from '../../../src/auth/jwt.js';
import { createAuthJwtChecker } from '../../../src/dialects/rohrpost/auth-jwt.js';
import { RohrpostError } from '../../../src/dialects/rohrpost/codec.js';
import type { JsonObject } from '../../../src/wire/json.js';

const verdicts: Record<string, JwtVerdict> = {
  good: { claims: { sub: 'u1' } },
  old: { error: 'token expired' },
  down: { unavailable: 'JWKS unreachable: connect ECONNREFUSED 10.0.0.3:443', status: 502 },
};
const seen: string[] = [];
const check = createAuthJwtChecker({
  verify: async (token) => {
    seen.push(token);
    return verdicts[token] ?? { error: 'malformed token' };
  },
});
const req = (auth_jwt?: unknown): JsonObject => ({ type: 'call', id: 1, ...(auth_jwt !== undefined ? { auth_jwt } : {}) }) as JsonObject;

test('tokens are verified per request; ping is exempt by default', async () => {
  assert.deepEqual(await check('call', req('good')), { claims: { sub: 'u1' } });
  assert.deepEqual(await check('call', req('old')), { error: RohrpostError.InvalidToken, reason: 'token expired' });
  assert.deepEqual(await check('ping', req()), { claims: undefined });
  assert.deepEqual(seen, ['good', 'old'], 'an exempt ping is not verified');
});

test('missing, empty and non-string tokens are refused without calling verify', async () => {
  seen.length = 0;
  assert.deepEqual(await check('call', req()), { error: 'Invalid or expired token.', reason: 'auth_jwt missing' });
  assert.deepEqual(await check('call', req('')), { error: 'Invalid or expired token.', reason: 'auth_jwt missing' });
  assert.deepEqual(await check('call', req(null)), { error: 'Invalid or expired token.', reason: 'auth_jwt missing' });
  assert.deepEqual(await check('call', req(7)), { error: 'Invalid or expired token.', reason: 'auth_jwt is not a string' });
  assert.deepEqual(seen, []);
});

test('an unavailable key set is its own error, without the internal detail', async () => {
  assert.deepEqual(await check('call', req('down')), { error: 'Authentication unavailable.' });
});

test('exempt types are configurable', async () => {
  const open = createAuthJwtChecker({ verify: async () => ({ error: 'bad signature' }), exempt: ['hello'] });
  assert.deepEqual(await open('hello', req()), { claims: undefined });
  assert.deepEqual(await open('ping', req()), { error: 'Invalid or expired token.', reason: 'auth_jwt missing' });
});
