import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardHeaders, mergeForward, parseHeaderSpec } from '../../src/auth/forward.js';
import type { UpgradeRequest } from '../../src/auth/strategy.js';
import { readCookie } from '../../src/auth/cookies.js';

const req = (url: string, headers: Record<string, string>): UpgradeRequest => ({
  url,
  query: new URLSearchParams(url.split('?')[1] ?? ''),
  headers,
  remoteAddress: '127.0.0.1',
});

test('high-templar 3.1 defaults: cookie, user-agent, x-real-ip, x-csrftoken, authorization', () => {
  const h = forwardHeaders(
    req('/ws/?token=abc123', { cookie: 'sessionid=s1; csrftoken=c1', 'user-agent': 'UA', 'x-real-ip': '203.0.113.7', origin: 'https://x' }),
    mergeForward(),
  );
  assert.deepEqual(h, { cookie: 'sessionid=s1; csrftoken=c1', 'user-agent': 'UA', 'x-real-ip': '203.0.113.7', 'x-csrftoken': 'c1', authorization: 'Token abc123' });
});

test('missing or empty sources are left out (token-only native clients work)', () => {
  assert.deepEqual(forwardHeaders(req('/ws/?token=', {}), mergeForward()), {});
  assert.deepEqual(forwardHeaders(req('/ws/?token=t', {}), mergeForward()), { authorization: 'Token t' });
});

test('extra specs add, override and drop', () => {
  const specs = mergeForward({
    'X-Session-Token': { query: 'session_token' },
    referer: { value: 'https://app.example/api/' },
    'user-agent': null,
  });
  const h = forwardHeaders(req('/ws/?session_token=st', { 'user-agent': 'UA' }), specs);
  assert.deepEqual(h, { 'x-session-token': 'st', referer: 'https://app.example/api/' });
});

test('CLI header specs', () => {
  assert.deepEqual(parseHeaderSpec('x-session-token=query:session_token'), { name: 'x-session-token', spec: { query: 'session_token', prefix: undefined } });
  assert.deepEqual(parseHeaderSpec('authorization=query:jwt|Bearer '), { name: 'authorization', spec: { query: 'jwt', prefix: 'Bearer ' } });
  assert.deepEqual(parseHeaderSpec('referer=value:https://a|b'), { name: 'referer', spec: { value: 'https://a|b' } });
  assert.deepEqual(parseHeaderSpec('user-agent=none'), { name: 'user-agent', spec: null });
  assert.equal(typeof parseHeaderSpec('nonsense'), 'string');
  assert.equal(typeof parseHeaderSpec('a=bogus:x'), 'string');
});

test('cookies: quoted and encoded values', () => {
  assert.equal(readCookie('a=1; csrftoken="x%20y"', 'csrftoken'), 'x y');
  assert.equal(readCookie('a=1', 'csrftoken'), undefined);
  assert.equal(readCookie('csrftoken=%E0%A4%A', 'csrftoken'), '%E0%A4%A');
});
