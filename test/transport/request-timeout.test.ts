/**
 * The HTTP server's whole-request deadline (`requestTimeoutMs`), over raw TCP: a request whose head arrived but
 * whose body trickles in (a trigger, a fastify route) gets 408 and is disconnected soon after the deadline, while
 * bodies that arrive in time, handlers that take longer than the deadline once the request is in, keep-alive
 * connections between requests and WebSocket connections are left alone. Also the keep-alive idle timeout,
 * which stays fastify's 72 s (README, "Configuration").
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import { createModels, openStore } from '../../src/models/index.js';
import { createServer } from '../../src/server.js';
import { DEFAULTS, TIMEOUT_LIMIT, type ServerOptions } from '../../src/options.js';
import { deadlineCheckInterval } from '../../src/transport/http-server.js';
import { startBackend, type StubBackend } from '../helpers/backend.js';
import { rawConnect, within, OP } from '../helpers/raw-ws.js';
import type { Running } from '../helpers/server.js';
import { tcpClient, withTcpServer } from '../helpers/tcp.js';

const HEADERS = 200;
const DEADLINE = 600;
const late = DEADLINE + deadlineCheckInterval(HEADERS, DEADLINE);

let backend: StubBackend;
before(async () => {
  backend = await startBackend({ body: { allowed_rooms: [] } });
});
after(() => backend.close());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const withServer = (options: ServerOptions, fn: (rc: Running, sockets: Socket[]) => Promise<void>): Promise<void> =>
  withTcpServer(
    {
      bootstrap: { apiUrl: backend.apiUrl },
      trigger: { allowLoopback: true },
      routes: (app) => {
        // A handler that works longer than the request deadline once the body is in.
        app.post('/slow', async (req) => {
          await sleep(DEADLINE * 2);
          return { got: req.body };
        });
      },
      ...options,
    },
    fn,
  );

const deadlines = { headersTimeoutMs: HEADERS, requestTimeoutMs: DEADLINE };
/** For bodies that must arrive in time: a deadline no loaded machine misses, with the same header deadline. */
const LONG = 5000;
const longDeadlines = { headersTimeoutMs: HEADERS, requestTimeoutMs: LONG };
/** Gaps between the pieces of a body sent in time: together longer than {@link DEADLINE}, far within {@link LONG}. */
const IN_TIME_GAP = 400;

/** `body` in three pieces, to go {@link IN_TIME_GAP} apart after its head. */
const thirds = (body: string): string[] => {
  const third = Math.ceil(body.length / 3);
  return [body.slice(0, third), body.slice(third, 2 * third), body.slice(2 * third)];
};

/** Waits until `c` has received something matching `pattern`. */
const answered = (c: { received(): string }, pattern: RegExp, ms: number, what: string): Promise<void> =>
  within(
    (async () => {
      while (!pattern.test(c.received())) await sleep(20);
    })(),
    ms,
    what,
  );

/** A whole request head for `path` with a body of `length` bytes. */
const head = (path: string, port: number, length: number, type = 'application/json'): string =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n`;

test('a body trickled in slower than the request deadline (POST /trigger/ or a fastify route) gets 408 and is disconnected soon after the deadline; nothing is published', async () => {
  await withServer(deadlines, async (rc, sockets) => {
    const body = JSON.stringify({ rooms: [{ location: 'Delft' }], data: { text: 'trickled' } });
    const cases = {
      'POST /trigger/': head('/trigger/', rc.port, body.length, 'text/plain'),
      'POST /slow (fastify)': head('/slow', rc.port, body.length),
    };
    // The head at once (the header deadline is met), then a byte of the body every 100 ms: 6 s for the lot.
    const clients = await Promise.all(Object.values(cases).map((h) => tcpClient(rc.port, sockets, [h, ...body], 100)));
    for (const [i, name] of Object.keys(cases).entries()) {
      const c = clients[i]!;
      // Slack above the deadline and the check's interval for a loaded machine; without a deadline the connection
      // stays open as long as the client keeps trickling.
      const ms = await within(c.closedAfter, late + 2000, name);
      assert.ok(ms >= DEADLINE - 50, `${name}: closed after ${ms} ms, before the deadline`);
      assert.match(c.received(), /^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\r\n\r\n\{"error":"Request Timeout","message":"Client Timeout","statusCode":408\}$/, `${name}: ${JSON.stringify(c.received())}`);
    }
    assert.equal(rc.server.stats.httpTriggers, 0);
  });
});

test('a REST write whose body trickles in gets 408 and is disconnected, one whose body arrives in time is created', async () => {
  const store = await openStore('sqlite::memory:');
  const models = createModels(store);
  const note = models.define({ name: 'app.Note', table: 'app_note', fields: { id: 'key', text: 'text' }, permissions: { read: () => true, create: () => true } });
  await models.migrate();
  try {
    await withServer({ ...deadlines, models, auth: createAnonymousAuth() }, async (rc, sockets) => {
      const body = JSON.stringify({ text: 'hello' });
      const slow = await tcpClient(rc.port, sockets, [head('/api/app/note/', rc.port, body.length), ...body], 100);
      const ms = await within(slow.closedAfter, late + 2000, 'the trickled REST write');
      assert.ok(ms >= DEADLINE - 50, `closed after ${ms} ms, before the deadline`);
      assert.match(slow.received(), /^HTTP\/1\.1 408 /);
      assert.deepEqual((await note.list({})).rows, []);
    });
    // The same body in three pieces, against a deadline it cannot miss.
    await withServer({ ...longDeadlines, models, auth: createAnonymousAuth() }, async (rc, sockets) => {
      const body = JSON.stringify({ text: 'hello' });
      const inTime = await tcpClient(rc.port, sockets, [head('/api/app/note/', rc.port, body.length), ...thirds(body)], IN_TIME_GAP);
      await answered(inTime, /"hello"/, LONG + 3000, 'the REST write in time');
      assert.match(inTime.received(), /^HTTP\/1\.1 201 /);
      assert.deepEqual((await note.list({})).rows.map((r) => r.text), ['hello']);
    });
  } finally {
    await store.close();
  }
});

test('bodies that arrive in time are served, handlers may take longer than the deadline, and the connection stays open for its next request', async () => {
  const trigger = JSON.stringify({ rooms: [{ location: 'Delft' }], data: 1 });
  await withServer(longDeadlines, async (rc, sockets) => {
    // In three pieces, the last well within the deadline.
    const c = await tcpClient(rc.port, sockets, [head('/trigger/', rc.port, trigger.length), ...thirds(trigger)], IN_TIME_GAP);
    await answered(c, /publish success$/, LONG + 3000, 'the trigger in pieces');
    assert.match(c.received(), /^HTTP\/1\.1 200 [\s\S]*publish success$/);
    assert.equal(rc.server.stats.httpTriggers, 1);
  });
  await withServer(deadlines, async (rc, sockets) => {
    const c = await tcpClient(rc.port, sockets, [head('/trigger/', rc.port, trigger.length) + trigger]);
    // The handler answers 2 × the deadline after its request came in, and is not cut off.
    const slowBody = '{"n":1}';
    const slow = await tcpClient(rc.port, sockets, [head('/slow', rc.port, slowBody.length) + slowBody]);
    await answered(slow, /\r\n\r\n[\s\S]*"got"/, DEADLINE * 2 + 3000, 'the slow handler');
    assert.match(slow.received(), /^HTTP\/1\.1 200 [\s\S]*\{"got":\{"n":1\}\}$/);
    assert.equal(slow.socket.destroyed, false);
    // The trigger client, idle since its answer for longer than the deadline: still open, and it is served again.
    assert.match(c.received(), /^HTTP\/1\.1 200 [\s\S]*publish success$/);
    assert.equal(c.socket.destroyed, false, 'keep-alive connection closed');
    const before = c.received().length;
    c.socket.write(head('/trigger/', rc.port, trigger.length) + trigger);
    await within(new Promise<void>((resolve) => c.socket.once('data', () => resolve())), 2000, 'second trigger');
    assert.match(c.received().slice(before), /^HTTP\/1\.1 200 /);
    assert.equal(rc.server.stats.httpTriggers, 2);
  });
});

test('a WebSocket open longer than the request deadline, and an upgrade whose authentication outlasts it, are not cut off', async () => {
  await withServer(deadlines, async (rc, sockets) => {
    const ws = await rawConnect(rc.port);
    sockets.push(ws.socket);
    assert.equal(JSON.parse((await ws.nextFrame()).payload.toString()).is_authorized, true);
    await sleep(late + 200);
    await ws.send({ opcode: OP.text, payload: 'ping' });
    assert.equal((await ws.nextFrame()).payload.toString(), 'pong');
  });
  const slowBackend = await startBackend({ body: { allowed_rooms: [] }, delayMs: DEADLINE * 2 });
  try {
    await withServer({ ...deadlines, bootstrap: { apiUrl: slowBackend.apiUrl } }, async (rc, sockets) => {
      const opened = Date.now();
      const ws = await rawConnect(rc.port);
      sockets.push(ws.socket);
      assert.ok(Date.now() - opened >= DEADLINE * 2 - 50, 'the backend answered after the deadline');
      assert.equal(JSON.parse((await ws.nextFrame()).payload.toString()).is_authorized, true);
    });
  } finally {
    await slowBackend.close();
  }
});

test(`the request deadline defaults to ${DEFAULTS.requestTimeoutMs} ms (or the header deadline, if longer); 0 turns it off`, async () => {
  assert.equal(DEFAULTS.requestTimeoutMs, 30_000);
  await withServer({}, async (rc) => {
    assert.equal(rc.server.http.server.requestTimeout, 30_000);
    assert.equal(rc.server.http.server.headersTimeout, 10_000);
  });
  await withServer({ headersTimeoutMs: 60_000 }, async (rc) => assert.equal(rc.server.http.server.requestTimeout, 60_000));
  await withServer({ headersTimeoutMs: HEADERS, requestTimeoutMs: 0 }, async (rc, sockets) => {
    assert.equal(rc.server.http.server.requestTimeout, 0);
    const c = await tcpClient(rc.port, sockets, [head('/trigger/', rc.port, 10), 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'], 100);
    const outcome = await Promise.race([c.closedAfter.then((ms) => `closed after ${ms} ms`), sleep(DEADLINE + 300).then(() => 'open')]);
    assert.equal(outcome, 'open');
  });
  assert.equal(deadlineCheckInterval(10_000, 30_000), 1000);
  assert.equal(deadlineCheckInterval(0, 500), 50);
  assert.equal(deadlineCheckInterval(0, 0), 30_000);
});

test('createServer refuses a requestTimeoutMs that is not a whole number of milliseconds from 0 to the limit, or below the header deadline', () => {
  for (const requestTimeoutMs of [-1, 1.5, Number.NaN, TIMEOUT_LIMIT + 1]) {
    assert.throws(() => createServer({ requestTimeoutMs }), RangeError, String(requestTimeoutMs));
  }
  assert.throws(() => createServer({ headersTimeoutMs: 1000, requestTimeoutMs: 999 }), /requestTimeoutMs \(999\) must be 0 or at least headersTimeoutMs \(1000\)/);
  for (const ok of [{ headersTimeoutMs: 1000, requestTimeoutMs: 1000 }, { headersTimeoutMs: 1000, requestTimeoutMs: 0 }, { headersTimeoutMs: 0, requestTimeoutMs: 5 }]) {
    assert.doesNotThrow(() => createServer(ok), JSON.stringify(ok));
  }
});

test('an idle keep-alive connection is closed after the keep-alive timeout (72 s, fastify\'s), with no 408; it is not a request deadline', async () => {
  await withServer(deadlines, async (rc, sockets) => {
    assert.equal(rc.server.http.server.keepAliveTimeout, 72_000);
    rc.server.http.server.keepAliveTimeout = DEADLINE / 2;
    const c = await tcpClient(rc.port, sockets, [`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${rc.port}\r\n\r\n`]);
    const ms = await within(c.closedAfter, DEADLINE / 2 + 2000, 'the idle keep-alive connection');
    assert.ok(ms >= DEADLINE / 2 - 50, `closed after ${ms} ms`);
    assert.equal(c.received().match(/HTTP\/1\.1 /g)?.length, 1);
    assert.match(c.received(), /^HTTP\/1\.1 200 /);
  });
});
