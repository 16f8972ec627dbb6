/**
 * What high-templar crashed or hung on, and the limits it lacked: each gets a clear reply or a documented
 * close code, and never disturbs another connection.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startBackend, type StubBackend } from '../helpers/backend.js';
import { connect, type TestClient } from '../helpers/client.js';
import { eventually, start, trigger, type Running } from '../helpers/server.js';

let backend: StubBackend;
before(async () => {
  backend = await startBackend({ body: { allowed_rooms: [{ room: '*' }] } });
});
after(() => backend.close());

async function withServer(options: Parameters<typeof start>[0], fn: (rc: Running) => Promise<void>): Promise<void> {
  const rc = await start({ bootstrap: { apiUrl: backend.apiUrl }, ...options });
  try {
    await fn(rc);
  } finally {
    await rc.close();
  }
}
async function ready(url: string): Promise<TestClient> {
  const c = await connect(url);
  await c.next();
  return c;
}

test('frames high-templar crashed on get an error and the socket stays', async () => {
  await withServer({}, async (rc) => {
    const c = await ready(rc.wsUrl);
    const cases: [unknown, string][] = [
      ['[]', 'message-type-not-allowed'],
      ['1', 'message-type-not-allowed'],
      [{ type: 'subscribe', requestId: 'a' }, 'invalid-room'],
      [{ type: 'subscribe', room: 'x', requestId: 'a' }, 'invalid-room'],
      [{ type: 'subscribe', room: { room: 1 }, requestId: { odd: true } }, 'invalid-request-id'],
      [{ type: 'unsubscribe', requestId: [1] }, 'invalid-request-id'],
    ];
    for (const [frame, message] of cases) {
      const reply = (await c.ask(frame)) as Record<string, unknown>;
      assert.equal(reply.message, message, JSON.stringify(frame));
    }
    c.send('ping');
    assert.equal(await c.nextText(), 'pong');
    await c.close();
  });
});

test('unsubscribe really removes the subscription, every room under that requestId', async () => {
  await withServer({ trigger: { allowLoopback: true } }, async (rc) => {
    const c = await ready(rc.wsUrl);
    await c.ask({ type: 'subscribe', room: { room: 1 }, requestId: 'same' });
    await c.ask({ type: 'subscribe', room: { room: 2 }, requestId: 'same' });
    assert.deepEqual(await c.ask({ type: 'subscribe', room: { room: 2 }, requestId: 'same' }), { code: 'success' });
    assert.deepEqual(await c.ask({ type: 'unsubscribe', requestId: 'same' }), { code: 'success' });
    await trigger(rc.url, { rooms: [{ room: 1 }, { room: 2 }], data: 1 });
    await c.silence(200);
    assert.equal(((await c.ask({ type: 'status' })) as Record<string, unknown>).num_rooms, 0);
    await c.close();
  });
});

test('a binary frame holding JSON is read as text', async () => {
  await withServer({}, async (rc) => {
    const c = await ready(rc.wsUrl);
    c.ws.send(Buffer.from(JSON.stringify({ type: 'subscribe', room: { room: 1 }, requestId: 'b' })), { binary: true });
    assert.deepEqual(await c.next(), { code: 'success' });
    await c.close();
  });
});

test('an oversized frame closes only that connection, with 1009', async () => {
  await withServer({ maxFrameBytes: 1024 }, async (rc) => {
    const bystander = await ready(rc.wsUrl);
    const c = await ready(rc.wsUrl);
    c.send('x'.repeat(2000));
    assert.equal((await c.closed).code, 1009);
    bystander.send('ping');
    assert.equal(await bystander.nextText(), 'pong');
    await bystander.close();
  });
});

test('the rate limit answers rate-limited, then closes a flooding client with 4029', async () => {
  await withServer({ rateLimit: { perSecond: 1, burst: 5 } }, async (rc) => {
    const c = await ready(rc.wsUrl);
    for (let i = 0; i < 7; i++) c.send('ping');
    const replies = [];
    for (let i = 0; i < 7; i++) replies.push(await c.nextText());
    assert.deepEqual(replies.slice(0, 5), ['pong', 'pong', 'pong', 'pong', 'pong']);
    assert.deepEqual(JSON.parse(replies[5] as string), { code: 'error', message: 'rate-limited' });
    for (let i = 0; i < 200; i++) c.send('ping');
    assert.equal((await c.closed).code, 4029);
  });
});

test('an idle connection is closed after the idle timeout; a pinging one is not', async () => {
  await withServer({ idleTimeoutMs: 300 }, async (rc) => {
    const idle = await ready(rc.wsUrl);
    const busy = await ready(rc.wsUrl);
    const pinger = setInterval(() => busy.send('ping'), 50);
    const closed = await idle.closed;
    assert.deepEqual(closed, { code: 1000, reason: 'idle timeout' });
    await new Promise((r) => setTimeout(r, 300));
    clearInterval(pinger);
    assert.equal(busy.ws.readyState, WebSocket.OPEN);
    await busy.close();
  });
});

test('a slow consumer is closed with 4008; memory stays bounded; others keep receiving', async () => {
  await withServer({ maxQueueBytes: 256 * 1024 }, async (rc) => {
    const fast = await ready(rc.wsUrl);
    const slow = await ready(rc.wsUrl);
    await fast.ask({ type: 'subscribe', room: { room: 'big' }, requestId: 'f' });
    await slow.ask({ type: 'subscribe', room: { room: 'big' }, requestId: 's' });
    // Stop reading: the kernel buffers fill, then roomcast's queue.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const payload = 'x'.repeat(64 * 1024);
    let received = 0;
    fast.ws.on('message', () => received++);
    const rssBefore = process.memoryUsage().rss;
    let sent = 0;
    while (rc.server.stats.slowConsumers === 0 && sent < 2000) {
      rc.server.publish([{ room: 'big' }], payload);
      sent++;
      if (sent % 2 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.equal(rc.server.stats.slowConsumers, 1, `slow consumer not detected after ${sent} publishes`);
    assert.ok(process.memoryUsage().rss - rssBefore < 200 * 1024 * 1024, 'memory grew unbounded');
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    assert.equal((await slow.closed).code, 4008);
    await eventually(() => assert.ok(received >= sent - 1, `fast client got ${received} of ${sent}`), 5000);
    await fast.close();
  });
});

test('origin allow-list: a foreign origin is refused with 403; listed and absent origins pass', async () => {
  await withServer({ allowOrigins: ['https://app.example.com'] }, async (rc) => {
    await assert.rejects(connect(rc.wsUrl, { origin: 'https://evil.example' }), /unexpected status 403/);
    (await connect(rc.wsUrl, { origin: 'https://app.example.com' })).close();
    (await connect(rc.wsUrl)).close();
  });
});

test('unknown paths are refused with 404; /ws without slash works', async () => {
  await withServer({}, async (rc) => {
    await assert.rejects(connect(`ws://127.0.0.1:${rc.port}/nope/`), /unexpected status 404/);
    const c = await connect(`ws://127.0.0.1:${rc.port}/ws`);
    assert.equal(((await c.next()) as { is_authorized: boolean }).is_authorized, true);
    await c.close();
  });
});

test('status can be disabled', async () => {
  await withServer({ templar: { status: false } }, async (rc) => {
    const c = await ready(rc.wsUrl);
    assert.deepEqual(await c.ask({ type: 'status' }), { code: 'error', message: 'status-disabled' });
    await c.close();
  });
});

test('too many subscriptions', async () => {
  await withServer({ templar: { maxSubscriptions: 2 } }, async (rc) => {
    const c = await ready(rc.wsUrl);
    await c.ask({ type: 'subscribe', room: { room: 1 }, requestId: 'a' });
    await c.ask({ type: 'subscribe', room: { room: 2 }, requestId: 'b' });
    assert.deepEqual(await c.ask({ type: 'subscribe', room: { room: 3 }, requestId: 'c' }), { code: 'error', message: 'too-many-subscriptions' });
    await c.close();
  });
});

test('/healthz reports ok', async () => {
  await withServer({}, async (rc) => {
    const res = await fetch(`${rc.url}/healthz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.status, 'ok');
    assert.deepEqual((body.layer as Record<string, unknown>).kind, 'memory');
  });
});

test('/metrics exposes connections, frames and slow consumers in Prometheus format', async () => {
  await withServer({}, async (rc) => {
    const c = await ready(rc.wsUrl);
    c.send('ping');
    await c.nextText();
    const text = await (await fetch(`${rc.url}/metrics`)).text();
    assert.match(text, /^roomcast_connections 1$/m);
    assert.match(text, /^roomcast_frames_received_total 1$/m);
    assert.match(text, /^roomcast_frames_sent_total 2$/m);
    assert.match(text, /^roomcast_slow_consumers_total 0$/m);
    assert.match(text, /^# TYPE roomcast_frames_dropped_total counter$/m);
    await c.close();
  });
});

test('drop-oldest: a slow client loses its oldest frames, stays connected, and memory stays bounded', async () => {
  await withServer({ maxQueueBytes: 256 * 1024, queuePolicy: 'drop-oldest' }, async (rc) => {
    const slow = await ready(rc.wsUrl);
    await slow.ask({ type: 'subscribe', room: { room: 'big' }, requestId: 's' });
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const payload = 'x'.repeat(16 * 1024);
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 3000; i++) {
      rc.server.publish([{ room: 'big' }], `${i}:${payload}`);
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.ok(rc.server.stats.dropped > 0, 'frames were dropped');
    assert.equal(rc.server.stats.slowConsumers, 0);
    assert.ok(process.memoryUsage().rss - rssBefore < 150 * 1024 * 1024, 'memory stayed bounded');
    const received: string[] = [];
    slow.ws.on('message', (d: Buffer) => received.push(d.toString()));
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    // The newest frame always arrives; the client is still connected and answers.
    await eventually(() => assert.ok(received.some((f) => f.includes('"2999:')), 'newest frame arrived'), 10_000);
    assert.equal(slow.ws.readyState, WebSocket.OPEN);
    await slow.close();
  });
});
