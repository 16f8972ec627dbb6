/**
 * The `roomcast` command as a real process: exit codes, environment configuration, SIGTERM, and the demo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend } from '../helpers/backend.js';
import { connect } from '../helpers/client.js';
import { trigger } from '../helpers/server.js';
import { listening, run } from '../helpers/cli.js';

test('--help exits 0 and lists the flags', async () => {
  const p = run(['--help']);
  assert.equal(await p.exit, 0);
  assert.match(p.out(), /--api-url URL/);
  assert.match(p.out(), /ROOMCAST_API_URL/);
});

test('invalid configuration exits 2 listing every problem', async () => {
  const p = run(['serve', '--port', 'x', '--api-url', 'nope']);
  assert.equal(await p.exit, 2);
  assert.match(p.err(), /--port: expected a whole number/);
  assert.match(p.err(), /--api-url: "nope" is not a URL/);
});

test('serve without a backend or --allow-anonymous is refused', async () => {
  const p = run(['serve']);
  assert.equal(await p.exit, 2);
  assert.match(p.err(), /set --api-url/);
});

test('configured from ROOMCAST_* and a config file; SIGTERM closes clients with 1001 and exits 0', async () => {
  const backend = await startBackend({ body: { allowed_rooms: [{ room: 1 }] } });
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-'));
  writeFileSync(join(dir, 'rc.json'), JSON.stringify({ port: 0, triggerSecret: 'fromfile' }));
  const p = run(['serve', '--config', join(dir, 'rc.json')], { ROOMCAST_API_URL: backend.apiUrl, ROOMCAST_LOG_LEVEL: 'info' });
  try {
    const url = await listening(p);
    const c = await connect(`${url.replace('http', 'ws')}/ws/?token=t`);
    assert.deepEqual(await c.next(), { is_authorized: true, allowed_rooms: [{ room: 1 }] });
    assert.equal(backend.requests.at(-1)?.authorization, 'Token t');
    await c.ask({ type: 'subscribe', room: { room: 1 }, requestId: 'a' });
    assert.equal((await trigger(url, { rooms: [{ room: 1 }], data: 1 }, { authorization: 'Bearer fromfile' })).status, 200);
    assert.deepEqual(await c.next(), { type: 'publish', data: 1, requestId: 'a' });
    p.child.kill('SIGTERM');
    assert.equal((await c.closed).code, 1001);
    assert.equal(await p.exit, 0);
    assert.ok(!p.out().includes('token=t'), 'the token never reaches the log');
  } finally {
    p.child.kill('SIGKILL');
    await backend.close();
  }
});

test('demo: page at /, stub backend, users by token, triggers from loopback', async () => {
  const p = run(['demo', '--port', '0']);
  try {
    const url = await listening(p);
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /roomcast/);
    const ws = `${url.replace('http', 'ws')}/ws/`;
    const ceo = await connect(`${ws}?token=ceo`);
    assert.deepEqual(await ceo.next(), { is_authorized: true, allowed_rooms: [{ location: '*' }] });
    const delft = await connect(`${ws}?token=delft`);
    assert.deepEqual(await delft.next(), { is_authorized: true, allowed_rooms: [{ location: 'Delft' }] });
    assert.deepEqual(await delft.ask({ type: 'subscribe', room: { location: 'Eindhoven' }, requestId: 'x' }), { code: 'error', message: 'room-not-found' });
    await ceo.ask({ type: 'subscribe', room: { location: 'Delft' }, requestId: 'c' });
    await delft.ask({ type: 'subscribe', room: { location: 'Delft' }, requestId: 'd' });
    assert.equal((await trigger(url, { rooms: [{ location: 'Delft' }], data: { text: 'hi' } })).status, 200);
    assert.deepEqual(await ceo.next(), { type: 'publish', data: { text: 'hi' }, requestId: 'c' });
    assert.deepEqual(await delft.next(), { type: 'publish', data: { text: 'hi' }, requestId: 'd' });
    const stranger = await connect(`${ws}?token=nobody`);
    assert.deepEqual(await stranger.next(), { is_authorized: false });
    await Promise.all([ceo.close(), delft.close()]);
  } finally {
    p.child.kill('SIGTERM');
    await p.exit;
  }
});

test('an unreadable --jwt-public-key is a configuration error, not a crash', async () => {
  const p = run(['serve', '--jwt-public-key', '/nonexistent/key.pem', '--port', '0']);
  assert.equal(await p.exit, 2);
  assert.match(p.err(), /invalid configuration:[\s\S]*key\.pem/);
});
