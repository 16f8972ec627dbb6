/**
 * `POST /trigger/` (django-binder's HIGH_TEMPLAR_URL path) and `server.publish`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect as tcp } from 'node:net';
import { connect, type TestClient } from '../helpers/client.js';
import { start, trigger, type Running } from '../helpers/server.js';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';

let rc: Running;
let c: TestClient;
const auth = createAnonymousAuth([{ location: '*' }]);

before(async () => {
  rc = await start({ auth, trigger: { secret: 'sekrit' } });
  c = await connect(rc.wsUrl);
  await c.next();
  await c.ask({ type: 'subscribe', room: { location: 'Delft' }, requestId: 'd' });
});
after(async () => {
  await c.close();
  await rc.close();
});

test('a trigger needs the secret: Bearer, or Basic password as in HIGH_TEMPLAR_URL=http://user:secret@host', async () => {
  assert.deepEqual(await trigger(rc.url, { rooms: [{ location: 'Delft' }], data: 1 }), { status: 401, text: 'missing or wrong trigger secret' });
  assert.equal((await trigger(rc.url, { rooms: [{ location: 'Delft' }], data: 1 }, { authorization: 'Bearer nope' })).status, 401);
  await c.silence(100);
  const basic = `Basic ${Buffer.from('binder:sekrit').toString('base64')}`;
  assert.deepEqual(await trigger(rc.url, { rooms: [{ location: 'Delft' }], data: 2 }, { authorization: basic }), { status: 200, text: 'publish success' });
  assert.deepEqual(await c.next(), { type: 'publish', data: 2, requestId: 'd' });
});

test("high-templar 2.x's replies", async () => {
  const h = { authorization: 'Bearer sekrit' };
  assert.deepEqual(await trigger(rc.url, { data: 1 }, h), { status: 400, text: 'rooms not specified' });
  assert.deepEqual(await trigger(rc.url, { rooms: [] }, h), { status: 400, text: 'data not specified' });
  assert.deepEqual(await trigger(rc.url, 'not json', h), { status: 400, text: 'body is not valid JSON' });
  assert.deepEqual(await trigger(rc.url, `{"rooms":[],"data":${'['.repeat(100)}${']'.repeat(100)}}`, h), { status: 400, text: 'body is nested deeper than 64 levels' });
  assert.deepEqual(await trigger(rc.url, { rooms: [{ location: 'Delft' }, 5], data: 1 }, h), { status: 400, text: 'every room must be a JSON object' });
  await c.silence(100);
});

test('a body without Content-Type (as requests sends data=) is read; data is forwarded byte for byte', async () => {
  const body = '{"data": {"price": 1.0, "id": 12345678901234567890}, "rooms": [{"location": "Delft"}]}';
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${rc.url}/trigger/`, { method: 'POST', headers: { authorization: 'Bearer sekrit', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(status, 200);
  assert.equal(await c.nextText(), '{"type":"publish","data":{"price": 1.0, "id": 12345678901234567890},"requestId":"d"}');
});

test('triggers are refused until a secret or loopback is configured', async () => {
  const bare = await start({ auth });
  try {
    const r = await trigger(bare.url, { rooms: [], data: 1 });
    assert.equal(r.status, 401);
    assert.match(r.text, /disabled/);
  } finally {
    await bare.close();
  }
  const loop = await start({ auth, trigger: { allowLoopback: true } });
  try {
    assert.equal((await trigger(loop.url, { rooms: [], data: 1 })).status, 200);
  } finally {
    await loop.close();
  }
});

test('server.publish reaches subscribers; bad input throws', async () => {
  rc.server.publish([{ location: 'Delft' }], { via: 'code' });
  assert.deepEqual(await c.next(), { type: 'publish', data: { via: 'code' }, requestId: 'd' });
  assert.throws(() => rc.server.publish([{ location: 'Delft' }], undefined), TypeError);
  assert.throws(() => rc.server.publish(['x' as never], 1), TypeError);
});

test('a room listed twice delivers twice (high-templar semantics)', async () => {
  rc.server.publish([{ location: 'Delft' }, { location: 'Delft' }], 'dup');
  assert.deepEqual(await c.next(), { type: 'publish', data: 'dup', requestId: 'd' });
  assert.deepEqual(await c.next(), { type: 'publish', data: 'dup', requestId: 'd' });
});

test('a trigger from another site (browser Origin) is refused even from loopback; the same origin is accepted', async () => {
  const loop = await start({ auth, trigger: { allowLoopback: true } });
  try {
    const body = { rooms: [], data: 1 };
    assert.deepEqual(await trigger(loop.url, body, { origin: 'http://evil.example' }), { status: 403, text: 'cross-site triggers are not accepted' });
    assert.equal((await trigger(loop.url, body, { origin: loop.url })).status, 200);
    assert.equal((await trigger(loop.url, body)).status, 200);
  } finally {
    await loop.close();
  }
});

test('bodies over trigger.maxBytes get 413, declared or streamed, and publish nothing; the server goes on', async () => {
  const small = await start({ auth, trigger: { allowLoopback: true, maxBytes: 200 } });
  try {
    const member = await connect(small.wsUrl);
    await member.next();
    await member.ask({ type: 'subscribe', room: { location: 'Delft' }, requestId: 'm' });
    const big = { rooms: [{ location: 'Delft' }], data: 'x'.repeat(300) };
    assert.deepEqual(await trigger(small.url, big), { status: 413, text: 'trigger body larger than 200 bytes' });
    // Chunked, so no Content-Length announces the size: refused once the bytes pass the limit.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(`${small.url}/trigger/`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(JSON.stringify(big).slice(0, 150));
      setTimeout(() => req.end(JSON.stringify(big).slice(150)), 20);
    });
    assert.equal(streamed, 413);
    await member.silence(100);
    assert.deepEqual(await trigger(small.url, { rooms: [{ location: 'Delft' }], data: 'fits' }), { status: 200, text: 'publish success' });
    assert.deepEqual(await member.next(), { type: 'publish', data: 'fits', requestId: 'm' });
    await member.close();
  } finally {
    await small.close();
  }
});

test('a body sent in pieces, one splitting a multi-byte character, is published whole', async () => {
  const bytes = Buffer.from(JSON.stringify({ rooms: [{ location: 'Delft' }], data: { city: 'Zürich', sign: '€ 5' } }));
  const cut = bytes.indexOf(Buffer.from('ü')) + 1; // between the two bytes of ü
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${rc.url}/trigger/`, { method: 'POST', headers: { authorization: 'Bearer sekrit' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.write(bytes.subarray(0, cut));
    setTimeout(() => {
      req.write(bytes.subarray(cut, cut + 10));
      setTimeout(() => req.end(bytes.subarray(cut + 10)), 10);
    }, 10);
  });
  assert.equal(status, 200);
  assert.deepEqual(await c.next(), { type: 'publish', data: { city: 'Zürich', sign: '€ 5' }, requestId: 'd' });
});

test('only POST to the trigger path is a trigger: a query string is fine, other methods and paths are not', async () => {
  const h = { authorization: 'Bearer sekrit' };
  const post = (path: string): Promise<Response> => fetch(`${rc.url}${path}`, { method: 'POST', headers: h, body: JSON.stringify({ rooms: [], data: 1 }) });
  assert.equal((await post('/trigger/?via=binder')).status, 200);
  assert.equal((await post('/trigger/more')).status, 404);
  assert.equal((await fetch(`${rc.url}/trigger/`)).status, 404);
  assert.equal((await fetch(`${rc.url}/healthz`)).status, 200);
});

test('a trigger that arrives once shutdown has begun gets 503; the one arriving before is delivered', async () => {
  const closing = await start({ auth, trigger: { allowLoopback: true } });
  const member = await connect(closing.wsUrl);
  await member.next();
  await member.ask({ type: 'subscribe', room: { location: 'Delft' }, requestId: 'z' });
  const body = JSON.stringify({ rooms: [{ location: 'Delft' }], data: 'before' });
  const sock = tcp(closing.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  let answer = '';
  sock.on('data', (d: Buffer) => (answer += d.toString()));
  sock.write(`POST /trigger/ HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
  await new Promise((r) => setTimeout(r, 50));
  const done = closing.server.close();
  // The rest of the first body, and a second trigger pipelined behind it on the same connection.
  sock.write(`${body.slice(5)}POST /trigger/ HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  assert.deepEqual(await member.next(), { type: 'publish', data: 'before', requestId: 'z' });
  await done;
  assert.match(answer, /^HTTP\/1\.1 200 OK[\s\S]*publish success[\s\S]*HTTP\/1\.1 503 [\s\S]*server is shutting down$/);
  sock.destroy();
});
