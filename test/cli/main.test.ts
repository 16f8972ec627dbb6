/**
 * The `roomcast` command as a real process: exit codes, environment configuration, SIGTERM, and the demo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend } from '../helpers/backend.js';
import { connect } from '../helpers/client.js';
import { trigger } from '../helpers/server.js';
import { exited, listening, run, stop, waitForOutput } from '../helpers/cli.js';
import { rawConnect } from '../helpers/raw-ws.js';

test('--help exits 0 and lists the flags', async () => {
  const p = run(['--help']);
  assert.equal(await exited(p), 0);
  assert.match(p.out(), /--api-url URL/);
  assert.match(p.out(), /ROOMCAST_API_URL/);
  const short = run(['serve', '-h']);
  assert.equal(await exited(short), 0);
  assert.match(short.out(), /--log-format FORMAT/);
});

test('invalid configuration exits 2 listing every problem', async () => {
  const p = run(['serve', '--port', 'x', '--api-url', 'nope']);
  assert.equal(await exited(p), 2);
  assert.match(p.err(), /--port: expected a whole number/);
  assert.match(p.err(), /--api-url: "nope" is not a URL/);
});

test('serve without a backend or --allow-anonymous is refused, along with the other problems', async () => {
  const p = run(['serve', '--port', 'x']);
  assert.equal(await exited(p), 2);
  assert.match(p.err(), /--port: expected a whole number[^\n]*\n  - set --api-url/);
  const invalidWay = run(['serve', '--allow-anonymous=maybe']);
  assert.equal(await exited(invalidWay), 2);
  assert.doesNotMatch(invalidWay.err(), /set --api-url/, 'a way given with a bad value is not "no way"');
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
    const ready = p.out().split('\n').find((l) => l.includes('"roomcast ready"'));
    const summary = (JSON.parse(ready ?? '{}') as { summary?: Record<string, string> }).summary;
    assert.equal(summary?.auth, `backend: GET ${backend.apiUrl}bootstrap/ for each connection, 5000 ms timeout`);
    assert.equal(summary?.triggers, `POST ${url}/trigger/ with the secret`);
    p.child.kill('SIGTERM');
    assert.equal((await c.closed).code, 1001);
    assert.equal(await exited(p), 0);
    assert.ok(!p.out().includes('token=t'), 'the token never reaches the log');
    assert.ok(!p.out().includes('fromfile'), 'nor the trigger secret');
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
  const p = run(['serve', '--jwt-public-key', '/nonexistent/key.pem', '--port', 'x']);
  assert.equal(await exited(p), 2);
  assert.match(p.err(), /invalid configuration:\n  - --port: [^\n]*\n  - --jwt-public-key: cannot read \/nonexistent\/key\.pem \(ENOENT/, 'listed with the other problems');
  const notPem = run(['serve', '--jwt-public-key', fileURLToPath(import.meta.url), '--port', '0']);
  assert.equal(await exited(notPem), 2);
  assert.match(notPem.err(), /invalid configuration:\n  - --jwt-public-key: \S+main\.test\.ts is not a PEM public key \(/);
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

test('problems of the words, of the environment and of the values are listed together: exit 2, no stack trace', async () => {
  const p = run(['serve', '--prot', '1', '--idle-timeout', '-1', '--rate-limit', '0', '--fooo', '--api-url'], { ROOMCAST_LAYER: 'bad' });
  assert.equal(await exited(p), 2);
  assert.equal(
    p.err(),
    [
      'roomcast: invalid configuration:',
      '  - unknown flag --prot (did you mean --port?)',
      '  - unknown flag --fooo (see roomcast --help)',
      '  - --api-url: missing its value URL',
      '  - ROOMCAST_LAYER: "bad" is not memory or redis',
      '  - --idle-timeout: expected a whole number ≥ 0 (0: never), got "-1"',
      '  - --rate-limit: expected a whole number ≥ 1, got "0" (0 would rate-limit every message; for no practical limit give a high rate, e.g. 100000)',
      '',
    ].join('\n'),
  );
  assert.equal(p.out(), '');
});

test('a port in use: one line naming the port and how to pick another, exit 1, no stack trace', async () => {
  const blocker = createNetServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const json = run(['serve', '--allow-anonymous', '--port', String(port)]);
    assert.equal(await exited(json), 1);
    const lines = json.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const fatal = lines.find((l) => l.level === 60);
    assert.deepEqual(fatal && { msg: fatal.msg, port: fatal.port, code: fatal.code, err: fatal.err }, {
      msg: `roomcast could not start: port ${port} on 127.0.0.1 is already in use (another roomcast, or another server): stop that one, or pick another with --port N (or ROOMCAST_PORT=N; --port 0 takes any free port)`,
      port,
      code: 'EADDRINUSE',
      err: undefined,
    });
    const pretty = run(['serve', '--allow-anonymous', '--log-format', 'pretty'], { ROOMCAST_PORT: String(port) });
    assert.equal(await exited(pretty), 1);
    assert.match(pretty.out(), new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} FATAL roomcast could not start: port ${port} on 127\\.0\\.0\\.1 is already in use .* --port N .*\\n`, 'm'));
    assert.doesNotMatch(pretty.out(), /^\s+at /m);
  } finally {
    await new Promise((r) => blocker.close(r));
  }
});

test('pretty logs: readable lines and a start-up summary; shutting down comes first and roomcast stopped last; a second signal exits at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-'));
  const file = join(dir, 'models.mjs');
  writeFileSync(file, "export default (models) => { models.define({ name: 'shop.Order', fields: { id: 'key', item: 'text' } }); };\n");
  const p = run([
    'serve', '--port', '0', '--log-format', 'pretty', '--jwt-secret', 'hush', '--trigger-secret', 'psst',
    '--models', file, '--store', `sqlite:${join(dir, 'app.db')}`, '--layer', 'redis', '--redis-url', 'redis://:pw@127.0.0.1:6379',
  ]);
  try {
    const [, url = ''] = await waitForOutput(p, /^ {4}url +(http:\/\/\S+)$/m, 15_000);
    const ws = url.replace('http', 'ws');
    const out = p.out();
    assert.doesNotMatch(out, /^\{/m, 'no JSON line');
    assert.doesNotMatch(out, /hush|psst|:pw@/, 'no secret');
    assert.match(out, /redis layer: subscribed url=redis:\/\/:\*\*\*@127\.0\.0\.1:6379 /, 'the Redis password is not logged');
    const summary = out.slice(out.indexOf('roomcast ready'));
    for (const line of [
      'auth      JWT: HS256 (--jwt-secret); the allowed_rooms claim lists rooms',
      `triggers  POST ${url}/trigger/ with the secret`,
      'layer     redis redis://:***@127.0.0.1:6379, channels prefixed roomcast:',
      `dialects  templar ${ws}/ws/, rohrpost ${ws}/ws/rohrpost/, binding ${ws}/ws/binding/`,
      `models    shop.Order in sqlite:${join(dir, 'app.db')}; REST at ${url}/api/`,
      `health    ${url}/healthz, metrics at ${url}/metrics`,
    ]) {
      assert.ok(summary.includes(`\n    ${line}\n`), `${line}\n--- in ---\n${summary}`);
    }
    p.child.kill('SIGTERM');
    assert.equal(await exited(p), 0);
    const lines = p.out().trim().split('\n').map((l) => l.replace(/^\S+ (\S+) +/, '$1 '));
    const down = lines.findIndex((l) => l.startsWith('INFO shutting down'));
    assert.ok(down > 0, p.out());
    assert.equal(lines.at(-1), 'INFO roomcast stopped');
  } finally {
    await stop(p, 'SIGKILL');
  }

  // A second signal while clients still have their grace period: exit 1 at once, saying so.
  const slow = run(['serve', '--port', '0', '--allow-anonymous', '--anonymous-room', '{"r":1}', '--shutdown-grace', '30']);
  try {
    const url = await listening(slow);
    // A raw client that never answers the server's close frame keeps the shutdown waiting.
    const raw = await rawConnect(Number(new URL(url).port));
    await raw.nextFrame();
    slow.child.kill('SIGINT');
    await waitForOutput(slow, /"msg":"shutting down"/, 15_000);
    slow.child.kill('SIGINT');
    assert.equal(await exited(slow), 1);
    assert.match(slow.out(), /"signal":"SIGINT","msg":"second signal: exiting without waiting for clients"/);
    raw.destroy();
  } finally {
    await stop(slow, 'SIGKILL');
  }
});
