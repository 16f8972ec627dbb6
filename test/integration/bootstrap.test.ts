/**
 * The bootstrap proxy against a real stub backend: forwarded headers, every outcome, and fail-fast statuses
 * where high-templar hung or crashed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type StubBackend } from '../helpers/backend.js';
import { connect } from '../helpers/client.js';
import { start, type Running } from '../helpers/server.js';
import type { Logger } from '../../src/log.js';

let backend: StubBackend;
let rc: Running;
const logs: string[] = [];
const capture: Logger = {
  debug: (o, m) => logs.push(JSON.stringify({ ...o, m })),
  info: (o, m) => logs.push(JSON.stringify({ ...o, m })),
  warn: (o, m) => logs.push(JSON.stringify({ ...o, m })),
  error: (o, m) => logs.push(JSON.stringify({ ...o, m })),
};

before(async () => {
  backend = await startBackend();
  rc = await start({
    bootstrap: {
      apiUrl: backend.apiUrl,
      timeoutMs: 300,
      forwardHeaders: { 'x-session-token': { query: 'session_token' }, referer: { value: 'https://app.example/api/' } },
    },
    logger: capture,
  });
});
after(async () => {
  await rc.close();
  await backend.close();
});

test('forwards cookie, user-agent, x-real-ip, x-csrftoken, authorization, and configured extras', async () => {
  backend.answer({ body: {} });
  const before = backend.requests.length;
  const c = await connect(`${rc.wsUrl}?token=abc123&session_token=st9`, {
    headers: { cookie: 'sessionid=s1; csrftoken=c1', 'user-agent': 'UA/1', 'x-real-ip': '203.0.113.7', 'accept-language': 'nl' },
  });
  await c.next();
  await c.close();
  const h = backend.requests[before];
  assert.ok(h !== undefined);
  assert.equal(h.cookie, 'sessionid=s1; csrftoken=c1');
  assert.equal(h['user-agent'], 'UA/1');
  assert.equal(h['x-real-ip'], '203.0.113.7');
  assert.equal(h['x-csrftoken'], 'c1');
  assert.equal(h.authorization, 'Token abc123');
  assert.equal(h['x-session-token'], 'st9');
  assert.equal(h.referer, 'https://app.example/api/');
  assert.equal(h['accept-language'], undefined, 'nothing else is forwarded');
  assert.equal(h.origin, undefined);
});

test('a token-only client (no cookie, no user agent) is fine', async () => {
  backend.answer({ body: { allowed_rooms: [{ a: 1 }] } });
  const c = await connect(`${rc.wsUrl}?token=t`, { headers: { 'user-agent': '' } });
  assert.deepEqual(await c.next(), { is_authorized: true, allowed_rooms: [{ a: 1 }] });
  await c.close();
});

for (const [name, answer, status] of [
  ['non-JSON content type', { body: '<html>login</html>', contentType: 'text/html' }, 502],
  ['body not JSON', { body: 'nope' }, 502],
  ['body a list', { body: '[]' }, 502],
  ['allowed_rooms null', { body: { allowed_rooms: null } }, 502],
  ['a number in allowed_rooms', { body: { allowed_rooms: [1] } }, 502],
  ['backend slower than the timeout', { body: {}, delayMs: 2000 }, 504],
] as const) {
  test(`${name}: the upgrade fails fast with ${status}`, async () => {
    backend.answer(answer);
    const t0 = Date.now();
    await assert.rejects(connect(rc.wsUrl), (err: Error & { status?: number }) => err.status === status);
    assert.ok(Date.now() - t0 < 1500, 'failed fast');
  });
}

test('backend unreachable: 502 at once', async () => {
  const down = await start({ bootstrap: { apiUrl: 'http://127.0.0.1:9/api/' }, logger: capture });
  try {
    await assert.rejects(connect(down.wsUrl), (err: Error & { status?: number }) => err.status === 502);
  } finally {
    await down.close();
  }
});

test('non-200 answers are not authorized, closed with 1000', async () => {
  for (const status of [401, 403, 404, 500]) {
    backend.answer({ status, body: { detail: 'no' } });
    const c = await connect(rc.wsUrl);
    assert.deepEqual(await c.next(), { is_authorized: false });
    assert.equal((await c.closed).code, 1000);
  }
});

test('tokens in query strings never reach the logs', async () => {
  backend.answer({ body: 'nope' });
  await assert.rejects(connect(`${rc.wsUrl}?token=SUPERSECRET&jwt_token=ALSOSECRET`));
  backend.answer({ status: 403 });
  const c = await connect(`${rc.wsUrl}?token=SUPERSECRET`);
  await c.closed;
  assert.ok(logs.length > 0, 'something was logged');
  const all = logs.join('\n');
  assert.ok(!all.includes('SUPERSECRET') && !all.includes('ALSOSECRET'), all);
});

test('bootstrap over a unix socket (apiSocket): same URL path and Host, dialled through the socket', async () => {
  const { createServer } = await import('node:http');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const path = join(mkdtempSync(join(tmpdir(), 'roomcast-sock-')), 'backend.sock');
  const seen: { url?: string; host?: string } = {};
  const unix = createServer((req, res) => {
    seen.url = req.url;
    seen.host = req.headers.host;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"allowed_rooms":[{"via":"socket"}]}');
  });
  await new Promise<void>((r) => unix.listen(path, r));
  const viaSocket = await start({ bootstrap: { apiUrl: 'http://backend.internal/api/', apiSocket: path } });
  try {
    const c = await connect(viaSocket.wsUrl);
    assert.deepEqual(await c.next(), { is_authorized: true, allowed_rooms: [{ via: 'socket' }] });
    assert.deepEqual(seen, { url: '/api/bootstrap/', host: 'backend.internal' });
    await c.close();
  } finally {
    await viaSocket.close();
    await new Promise((r) => unix.close(r));
  }
});
