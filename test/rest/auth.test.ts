/**
 * REST auth and error replies without a server: each strategy outcome's status, the request a strategy sees, and
 * how errors become `{error, details?}`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthResult, AuthStrategy } from '../../src/auth/strategy.js';
import { silentLogger } from '../../src/log.js';
import { ModelError } from '../../src/models/errors.js';
import { createRoomMatcher } from '../../src/rooms/matcher.js';
import { authenticate, upgradeRequestOf } from '../../src/rest/auth.js';
import { errorReply } from '../../src/rest/errors.js';

const identity = { user: { id: 1 }, rooms: createRoomMatcher([]) };
const request = upgradeRequestOf({ url: '/api/a/b/?token=t&x=1', headers: { cookie: 's=1' }, socket: { remoteAddress: '10.0.0.1' } });
const run = (result: AuthResult | Error, now = 1000) => {
  const strategy: AuthStrategy = async () => {
    if (result instanceof Error) throw result;
    return result;
  };
  return authenticate(strategy, request, new AbortController().signal, silentLogger, now);
};

test('the request a strategy sees', () => {
  assert.equal(request.url, '/api/a/b/?token=t&x=1');
  assert.equal(request.query.get('token'), 't');
  assert.deepEqual(request.headers, { cookie: 's=1' });
  assert.equal(request.remoteAddress, '10.0.0.1');
  assert.equal(upgradeRequestOf({ headers: {}, socket: {} }).url, '/');
});

test('each outcome', async () => {
  assert.deepEqual(await run({ kind: 'allowed', identity }), { identity });
  assert.deepEqual(await run({ kind: 'allowed', identity: { ...identity, expiresAt: 2000 } }), { identity: { ...identity, expiresAt: 2000 } });
  assert.deepEqual(await run({ kind: 'allowed', identity: { ...identity, expiresAt: 1000 } }), { status: 401, error: 'credentials expired' });
  assert.deepEqual(await run({ kind: 'denied', reason: 'secret reason' }), { status: 401, error: 'not authorized' });
  assert.deepEqual(await run({ kind: 'failed', status: 504, reason: 'slow' }), { status: 504, error: 'authentication backend timed out' });
  assert.deepEqual(await run({ kind: 'failed', status: 502, reason: 'down' }), { status: 502, error: 'authentication backend unavailable' });
  assert.deepEqual(await run(new Error('boom')), { status: 502, error: 'authentication backend unavailable' });
});

test('error replies', () => {
  assert.deepEqual(errorReply(new ModelError('invalid', 'create: invalid data', ['a: must be a string'])), {
    status: 400,
    body: { error: 'create: invalid data', details: ['a: must be a string'] },
    unexpected: false,
  });
  assert.deepEqual(errorReply(new ModelError('forbidden', 'no')), { status: 403, body: { error: 'no' }, unexpected: false });
  assert.equal(errorReply(new ModelError('not-found', 'gone')).status, 404);
  assert.equal(errorReply(new ModelError('conflict', 'taken')).status, 409);
  assert.deepEqual(errorReply(Object.assign(new Error('x'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' })).body, { error: 'malformed JSON body' });
  assert.deepEqual(errorReply(Object.assign(new Error('x'), { statusCode: 413 })).body, { error: 'request body too large' });
  assert.deepEqual(errorReply(Object.assign(new Error('Bad content length'), { statusCode: 400 })).body, { error: 'Bad content length' });
  assert.deepEqual(errorReply(new Error('secret')), { status: 500, body: { error: 'internal server error' }, unexpected: true });
  assert.deepEqual(errorReply(Object.assign(new Error('secret'), { statusCode: 503 })), { status: 500, body: { error: 'internal server error' }, unexpected: true });
  assert.equal(errorReply('a string').status, 500);
});
