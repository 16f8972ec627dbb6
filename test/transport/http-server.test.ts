/**
 * The HTTP server's header deadline (`headersTimeoutMs`), over raw TCP: clients that send nothing, or a request
 * line or head they never finish (of an HTTP request or a WebSocket upgrade), get 408 and are disconnected soon
 * after the deadline, while clients that finish in time, keep-alive clients between requests and open WebSocket
 * connections are left alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { createServer } from '../../src/server.js';
import { DEFAULTS, TIMEOUT_LIMIT } from '../../src/options.js';
import { deadlineCheckInterval } from '../../src/transport/http-server.js';
import { startBackend, type StubBackend } from '../helpers/backend.js';
import { rawConnect, within, OP } from '../helpers/raw-ws.js';
import { start, type Running } from '../helpers/server.js';
import { tcpClient as client, withTcpServer, type TcpClient as Client } from '../helpers/tcp.js';

let backend: StubBackend;
before(async () => {
  backend = await startBackend({ body: { allowed_rooms: [] } });
});
after(() => backend.close());

const withServer = (headersTimeoutMs: number | undefined, fn: (rc: Running, sockets: Socket[]) => Promise<void>): Promise<void> =>
  withTcpServer({ bootstrap: { apiUrl: backend.apiUrl }, ...(headersTimeoutMs !== undefined ? { headersTimeoutMs } : {}) }, fn);

const DEADLINE = 400;

test('a client that sends nothing, or never finishes its request line or head (HTTP or upgrade), gets 408 and is closed soon after the header deadline', async () => {
  await withServer(DEADLINE, async (rc, sockets) => {
    const host = `Host: 127.0.0.1:${rc.port}\r\n`;
    const cases: Record<string, string[]> = {
      'sends nothing': [],
      'a partial request line': ['GET /heal'],
      'a request line, no headers': ['GET /healthz HTTP/1.1\r\n'],
      'partial headers': [`GET /healthz HTTP/1.1\r\n${host}Accept: */*\r\n`],
      'a trickled head': [`GET /healthz HTTP/1.1\r\n`, host, 'Accept: */*\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n', 'X-C: 3\r\n'],
      'a partial upgrade': [`GET /ws/ HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n`],
    };
    const clients = await Promise.all(Object.values(cases).map((pieces) => client(rc.port, sockets, pieces, 100)));
    const late = DEADLINE + deadlineCheckInterval(DEADLINE, DEFAULTS.requestTimeoutMs);
    for (const [i, name] of Object.keys(cases).entries()) {
      const c = clients[i] as Client;
      // Generous slack above the deadline and the check's interval for a loaded machine; node's own default (60 s,
      // checked every 30 s) would take 60-90 s.
      const ms = await within(c.closedAfter, late + 2000, name);
      assert.ok(ms >= DEADLINE - 50, `${name}: closed after ${ms} ms, before the deadline`);
      assert.match(c.received(), /^HTTP\/1\.1 408 /, `${name}: ${JSON.stringify(c.received())}`);
    }
  });
});

test('while half-open clients are cut off, clients that finish in time, keep-alive clients between requests and open WebSocket connections keep working', async () => {
  await withServer(DEADLINE, async (rc, sockets) => {
    const ws = await rawConnect(rc.port);
    sockets.push(ws.socket);
    assert.equal(JSON.parse((await ws.nextFrame()).payload.toString()).is_authorized, true);
    const get = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${rc.port}\r\n\r\n`;
    // A slow client: its head in three pieces, the last well before the deadline.
    const slow = await client(rc.port, sockets, ['GET /healthz HTTP/1.1\r\n', `Host: 127.0.0.1:${rc.port}\r\n`, 'Connection: close\r\n\r\n'], DEADLINE / 4);
    const keepAlive = await client(rc.port, sockets, [get]);
    const stuck = await client(rc.port, sockets, ['GET /heal']);
    await within(stuck.closedAfter, DEADLINE + deadlineCheckInterval(DEADLINE, DEFAULTS.requestTimeoutMs) + 2000, 'the half-open client');
    assert.match(slow.received(), /^HTTP\/1\.1 200 /);
    // The keep-alive client asked once and was idle since, past the deadline: its connection is open and answers.
    assert.match(keepAlive.received(), /^HTTP\/1\.1 200 /);
    assert.equal(keepAlive.socket.destroyed, false, 'keep-alive connection closed');
    const before = keepAlive.received().length;
    keepAlive.socket.write(get);
    await within(new Promise<void>((resolve) => keepAlive.socket.once('data', () => resolve())), 2000, 'second request');
    assert.match(keepAlive.received().slice(before), /^HTTP\/1\.1 200 /);
    // The WebSocket, open longer than the deadline, still works.
    await ws.send({ opcode: OP.text, payload: 'ping' });
    assert.equal((await ws.nextFrame()).payload.toString(), 'pong');
    // And new clients are served.
    assert.equal((await fetch(`${rc.url}/healthz`)).status, 200);
  });
});

test('an upgrade whose head is complete is not cut off while its authentication takes longer than the header deadline', async () => {
  const slowBackend = await startBackend({ body: { allowed_rooms: [] }, delayMs: DEADLINE * 2 });
  const rc = await start({ bootstrap: { apiUrl: slowBackend.apiUrl }, headersTimeoutMs: DEADLINE });
  try {
    const opened = Date.now();
    const ws = await rawConnect(rc.port);
    try {
      assert.ok(Date.now() - opened >= DEADLINE * 2 - 50, 'the backend answered after the deadline');
      assert.equal(JSON.parse((await ws.nextFrame()).payload.toString()).is_authorized, true);
    } finally {
      ws.destroy();
    }
  } finally {
    await rc.close();
    await slowBackend.close();
  }
});

test(`the header deadline defaults to ${DEFAULTS.headersTimeoutMs} ms, checked every second; 0 turns it off`, async () => {
  assert.equal(DEFAULTS.headersTimeoutMs, 10_000);
  await withServer(undefined, async (rc) => {
    assert.equal(rc.server.http.server.headersTimeout, 10_000);
    assert.equal(deadlineCheckInterval(10_000, DEFAULTS.requestTimeoutMs), 1000);
  });
  await withServer(0, async (rc, sockets) => {
    assert.equal(rc.server.http.server.headersTimeout, 0);
    const stuck = await client(rc.port, sockets, ['GET /heal']);
    const outcome = await Promise.race([stuck.closedAfter.then((ms) => `closed after ${ms} ms`), new Promise((r) => setTimeout(r, 600, 'open'))]);
    assert.equal(outcome, 'open');
  });
});

test('createServer refuses a headersTimeoutMs that is not a whole number of milliseconds from 0 to the limit', () => {
  for (const headersTimeoutMs of [-1, 1.5, Number.NaN, TIMEOUT_LIMIT + 1]) {
    assert.throws(() => createServer({ headersTimeoutMs }), RangeError, String(headersTimeoutMs));
  }
});
