/**
 * The `roomcast` command as a real process: exit codes, environment configuration, SIGTERM, and the demo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend } from '../helpers/backend.js';
import { connect } from '../helpers/client.js';
import { trigger } from '../helpers/server.js';
import { exited, listening, run, stop } from '../helpers/cli.js';

test('--help exits 0 and lists the flags', async () => {
  const p = run(['--help']);
  assert.equal(await exited(p), 0);
  assert.match(p.out(), /--api-url URL/);
  assert.match(p.out(), /ROOMCAST_API_URL/);
});

test('invalid configuration exits 2 listing every problem', async () => {
  const p = run(['serve', '--port', 'x', '--api-url', 'nope']);
  assert.equal(await exited(p), 2);
  assert.match(p.err(), /--port: expected a whole number/);
  assert.match(p.err(), /--api-url: "nope" is not a URL/);
});

test('serve without a backend or --allow-anonymous is refused', async () => {
  const p = run(['serve']);
  assert.equal(await exited(p), 2);
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
    assert.equal(await exited(p), 0);
    assert.ok(!p.out().includes('token=t'), 'the token never reaches the log');
  } finally {
    await stop(p, 'SIGKILL');
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
    await stop(p);
  }
});

test('an unreadable --jwt-public-key is a configuration error, not a crash', async () => {
  const p = run(['serve', '--jwt-public-key', '/nonexistent/key.pem', '--port', '0']);
  assert.equal(await exited(p), 2);
  assert.match(p.err(), /invalid configuration:[\s\S]*key\.pem/);
});

test('--jwt-jwks-url: RS256 tokens verified with the key set served at the URL', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = createHttpServer((_req, res) => res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] })));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  const p = run(['serve', '--port', '0', '--jwt-jwks-url', `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`]);
  try {
    const url = await listening(p);
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const body = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ sub: 'u', allowed_rooms: [{ room: 1 }] })}`;
    const token = `${body}.${sign('RSA-SHA256', Buffer.from(body), privateKey).toString('base64url')}`;
    const c = await connect(`${url.replace('http', 'ws')}/ws/?jwt_token=${token}`);
    assert.deepEqual(await c.next(), { is_authorized: true, allowed_rooms: [{ room: 1 }] });
    await c.close();
  } finally {
    await stop(p);
    await new Promise((r) => jwks.close(r));
  }
});

test('--models loads model definitions into --store, creates their tables, and their rooms are offered', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-'));
  const file = join(dir, 'models.mjs');
  writeFileSync(file, "export default (models) => { models.define({ name: 'shop.OrderLine', fields: { id: 'key', item: 'text' } }); };\n");
  const p = run(['serve', '--port', '0', '--allow-anonymous', '--models', file, '--store', `sqlite:${join(dir, 'app.db')}`]);
  try {
    const url = await listening(p);
    const c = await connect(`${url.replace('http', 'ws')}/ws/`);
    assert.deepEqual(await c.next(), { is_authorized: true, allowed_rooms: [{ 'auto-updates': 'order_line' }, { type: 'orderline', id: '*' }] });
    await c.close();
    assert.equal(await stop(p), 0);
  } finally {
    await stop(p, 'SIGKILL');
  }

  writeFileSync(file, 'export const nothing = 1;\n');
  const bad = run(['serve', '--port', '0', '--allow-anonymous', '--models', file]);
  assert.equal(await exited(bad), 2);
  assert.match(bad.err(), /must export a default function/);
});
