/**
 * The server's WebSocket protocol layer (RFC 6455) seen from raw TCP, through the templar dialect at /ws/ (which
 * answers the text `ping` with the text `pong`): the opening handshake and its refusals, fragmentation with
 * interleaved control frames, frames split over or packed into TCP writes, ping/pong, every protocol error a
 * server must fail the connection on (close 1002, then the TCP connection ends), invalid UTF-8 (1007), messages
 * over `maxFrameBytes` (1009), the closing handshake started by the client, and cleanup after a client vanishes.
 * It asserts only what RFC 6455 requires plus roomcast's documented choices (binary frames read as text, the
 * first offered subprotocol selected), so the `ws` library under the server can be replaced and this suite kept.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect, type Socket } from 'node:net';
import { startBackend, type StubBackend } from '../helpers/backend.js';
import { eventually, start, type Running } from '../helpers/server.js';
import {
  acceptFor,
  closePayload,
  encodeFrame,
  OP,
  rawConnect,
  rawHttp,
  upgradeRequest,
  type FrameSpec,
  type RawClient,
  type ServerFrame,
} from '../helpers/raw-ws.js';

let backend: StubBackend;
before(async () => {
  backend = await startBackend({ body: { allowed_rooms: [{ room: '*' }] } });
});
after(() => backend.close());

interface Ctx {
  readonly rc: Running;
  /** A connected client whose greeting (`{"is_authorized":true,…}`) has been read; destroyed when the test ends. */
  open(): Promise<RawClient>;
}

async function withServer(options: Parameters<typeof start>[0], fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const rc = await start({ bootstrap: { apiUrl: backend.apiUrl }, ...options });
  const clients: RawClient[] = [];
  try {
    await fn({
      rc,
      open: async () => {
        const c = await rawConnect(rc.port);
        clients.push(c);
        const greeting = await c.nextFrame();
        assertServerFrame(greeting, OP.text);
        assert.equal((JSON.parse(greeting.payload.toString()) as { is_authorized: unknown }).is_authorized, true);
        return c;
      },
    });
  } finally {
    for (const c of clients) c.destroy();
    await rc.close();
  }
}

/** A frame a server may send: final, unmasked, no RSV bits (no extension is negotiated), of `opcode`. */
function assertServerFrame(frame: ServerFrame, opcode: number): void {
  assert.equal(frame.opcode, opcode, `opcode ${frame.opcode} (payload ${JSON.stringify(frame.payload.toString())})`);
  assert.equal(frame.fin, true, 'FIN');
  assert.equal(frame.masked, false, 'server frames are never masked');
  assert.equal(frame.rsv, 0, 'RSV bits');
}

async function expectText(c: RawClient, text: string): Promise<void> {
  const frame = await c.nextFrame();
  assertServerFrame(frame, OP.text);
  assert.equal(frame.payload.toString(), text);
}

/** The next frame is a close frame whose code is one of `codes` (`undefined`: empty payload); then TCP ends. */
async function expectClose(c: RawClient, ...codes: (number | undefined)[]): Promise<ServerFrame> {
  const frame = await c.nextFrame();
  assertServerFrame(frame, OP.close);
  assert.ok(codes.includes(frame.code), `close code ${frame.code}, expected one of ${codes.join(', ')}`);
  await c.closed();
  assert.deepEqual(c.takeQueued(), [], 'no frame after the close frame');
  return frame;
}

const text = (payload: string | Buffer, fin = true): FrameSpec => ({ opcode: OP.text, payload, fin });
const continuation = (payload: string | Buffer, fin: boolean): FrameSpec => ({ opcode: OP.continuation, payload, fin });

// --- Opening handshake (§4.2) ---

test('handshake: the RFC sample key gets the RFC sample accept value', async () => {
  await withServer({}, async ({ rc }) => {
    assert.equal(acceptFor('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=', 'the helper itself');
    const head = await rawHttp(rc.port, upgradeRequest('/ws/', rc.port, { 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' }));
    assert.equal(head.status, 101, head.statusLine);
    assert.equal(head.headers['sec-websocket-accept'], 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    assert.equal(head.headers.upgrade?.toLowerCase(), 'websocket');
    assert.equal(head.headers.connection?.toLowerCase(), 'upgrade');
    assert.equal(head.headers['sec-websocket-protocol'], undefined, 'no subprotocol when none was offered');
  });
});

async function assertRefused(rc: Running, headers: Record<string, string | null>, method = 'GET'): Promise<void> {
  const request = upgradeRequest('/ws/', rc.port, headers).replace(/^GET /, `${method} `);
  const head = await rawHttp(rc.port, request);
  assert.ok(head.status >= 400 && head.status < 500, `${JSON.stringify(headers)} ${method}: ${head.statusLine}`);
}

test('handshake: a missing or malformed Sec-WebSocket-Key is refused with a 4xx status', async () => {
  await withServer({}, async ({ rc }) => {
    const keys = [null, '', 'abc', Buffer.alloc(15, 1).toString('base64'), Buffer.alloc(17, 1).toString('base64'), '!!!!!!!!!!!!!!!!!!!!!!=='];
    for (const key of keys) await assertRefused(rc, { 'Sec-WebSocket-Key': key });
  });
});

test('handshake: a request without Upgrade: websocket (or without Connection: Upgrade) is refused with a 4xx status', async () => {
  await withServer({}, async ({ rc }) => {
    await assertRefused(rc, { Upgrade: null });
    await assertRefused(rc, { Upgrade: 'h2c' });
    await assertRefused(rc, { Connection: null });
  });
});

test('handshake: an upgrade request whose method is not GET is refused with a 4xx status', async () => {
  await withServer({}, async ({ rc }) => {
    await assertRefused(rc, { 'Content-Length': '0' }, 'POST');
  });
});

test('handshake: a Sec-WebSocket-Version other than 13 (or none) is refused with a 4xx status', async () => {
  await withServer({}, async ({ rc }) => {
    for (const version of [null, '12', '14', 'x']) await assertRefused(rc, { 'Sec-WebSocket-Version': version });
  });
});

test('handshake: of the subprotocols offered, the first is selected', async () => {
  await withServer({}, async ({ rc }) => {
    const c = await rawConnect(rc.port, '/ws/', { 'Sec-WebSocket-Protocol': 'alpha, beta' });
    c.destroy();
    assert.equal(c.head.headers['sec-websocket-protocol'], 'alpha');
  });
});

test('handshake: an unknown path is refused with 404', async () => {
  await withServer({}, async ({ rc }) => {
    const head = await rawHttp(rc.port, upgradeRequest('/nope/', rc.port));
    assert.equal(head.status, 404, head.statusLine);
  });
});

/** TCP connections the server's listener holds, upgraded and refused sockets included. */
function tcpConnections(rc: Running): Promise<number> {
  return new Promise((resolve, reject) => rc.server.http.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

/** Like {@link withServer}, without waiting for the server's close if the test failed: a socket it never released would keep that pending for good. */
async function withRefusingServer(fn: (rc: Running) => Promise<void>): Promise<void> {
  const rc = await start({ bootstrap: { apiUrl: backend.apiUrl } });
  let passed = false;
  try {
    await fn(rc);
    passed = true;
  } finally {
    if (passed) await rc.close();
    else void rc.close();
  }
}

/** Sends an upgrade request to an unknown path and resolves once the 404 and the server's FIN have arrived. */
async function refused(rc: Running, socket: Socket): Promise<void> {
  socket.on('error', () => {});
  const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()));
  let response = '';
  socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
  socket.write(upgradeRequest('/nope/', rc.port));
  await ended;
  assert.match(response, /^HTTP\/1\.1 404 /);
}

test('handshake: a refused client that sent more bytes after its request, then closed, leaves no socket behind', async () => {
  await withRefusingServer(async (rc) => {
    const socket = netConnect({ port: rc.port, host: '127.0.0.1' });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Bytes that arrive after the upgrade request (a frame sent eagerly, say) wait unread on the refused socket.
    socket.once('data', () => socket.write('early bytes'));
    await refused(rc, socket);
    await closed;
    await eventually(async () => assert.equal(await tcpConnections(rc), 0), 2000);
  });
});

test('handshake: a refused client that keeps its half of TCP open is disconnected after a grace period', async () => {
  await withRefusingServer(async (rc) => {
    const socket = netConnect({ port: rc.port, host: '127.0.0.1', allowHalfOpen: true });
    try {
      await refused(rc, socket);
      await eventually(async () => assert.equal(await tcpConnections(rc), 0), 5000);
    } finally {
      socket.destroy();
    }
  });
});

// --- Data framing (§5.4 fragmentation, §5.5 control frames) ---

test('a text message in three fragments with a ping between them: the ping is answered mid-message, then the message', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    await c.send(text('pi', false));
    await c.send({ opcode: OP.ping, payload: 'mid' });
    const pong = await c.nextFrame();
    assertServerFrame(pong, OP.pong);
    assert.equal(pong.payload.toString(), 'mid');
    await c.send(continuation('n', false));
    await c.send(continuation('g', true));
    await expectText(c, 'pong');
  });
});

test('a frame delivered one byte per TCP write is reassembled', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    await c.writeSplit(encodeFrame(text('ping')), 1);
    await expectText(c, 'pong');
  });
});

test('several frames in one TCP write are each answered, in order', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    await c.send(text('ping'), text('[]'), text('ping'));
    await expectText(c, 'pong');
    const frame = await c.nextFrame();
    assertServerFrame(frame, OP.text);
    assert.equal((JSON.parse(frame.payload.toString()) as { message: unknown }).message, 'message-type-not-allowed');
    await expectText(c, 'pong');
  });
});

test('a binary frame holding the UTF-8 text "ping" is read as text', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    await c.send({ opcode: OP.binary, payload: 'ping' });
    await expectText(c, 'pong');
  });
});

test('a ping with a 125-byte payload gets a pong with the same payload', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    const payload = Buffer.from(Array.from({ length: 125 }, (_, i) => (i * 7) & 0xff));
    await c.send({ opcode: OP.ping, payload });
    const pong = await c.nextFrame();
    assertServerFrame(pong, OP.pong);
    assert.deepEqual(pong.payload, payload);
  });
});

/** Bytes the server holds for its clients, not yet handed to the kernel (`roomcast_queued_bytes`). */
async function queuedBytes(rc: Running): Promise<number> {
  const text = await (await fetch(`${rc.url}/metrics`)).text();
  return Number(/^roomcast_queued_bytes (\d+)$/m.exec(text)?.[1]);
}

test('pings sent while the server cannot write to the client are answered once it can: one pong, carrying the latest ping (§5.5.2, §5.5.3)', async () => {
  await withServer({ maxQueueBytes: 256 * 1024 * 1024 }, async ({ rc, open }) => {
    const c = await open();
    await c.send(text(JSON.stringify({ type: 'subscribe', room: { room: 'backlog' }, requestId: 'b' })));
    await expectText(c, '{"code":"success"}');
    // The client stops reading; publishes fill the kernel's buffers, then the server's own (past its high-water
    // mark, so its socket waits for a drain).
    c.socket.pause();
    const chunk = 'x'.repeat(64 * 1024);
    let published = 0;
    while ((await queuedBytes(rc)) < 1024 * 1024) {
      for (let i = 0; i < 16; i++, published++) rc.server.publish([{ room: 'backlog' }], chunk);
      await new Promise((r) => setTimeout(r, 5));
    }
    // The pings, then an application frame: the server reads in order, so once it has counted that frame (its
    // reading side is not blocked) it has read the pings, and the client may read again.
    const received = rc.server.stats.received;
    await c.send({ opcode: OP.ping, payload: 'first' }, { opcode: OP.ping, payload: 'second' });
    await c.send({ opcode: OP.ping, payload: 'latest' }, text('ping'));
    await eventually(() => assert.equal(rc.server.stats.received, received + 1), 5000);
    c.socket.resume();
    const pongs: string[] = [];
    let texts = 0;
    for (;;) {
      const frame = await c.nextFrame(5000);
      if (frame.opcode === OP.pong) pongs.push(frame.payload.toString());
      else {
        assertServerFrame(frame, OP.text);
        // Every publish, then the answer to the application frame.
        if (++texts > published) {
          assert.equal(frame.payload.toString(), 'pong');
          break;
        }
      }
    }
    // Every publish arrived, and the ping is answered by now or right after the last of them.
    await c.send({ opcode: OP.ping, payload: 'after' });
    for (;;) {
      const frame = await c.nextFrame(2000);
      assertServerFrame(frame, OP.pong);
      pongs.push(frame.payload.toString());
      if (frame.payload.toString() === 'after') break;
    }
    assert.deepEqual(pongs, ['latest', 'after']);
  });
});

test('an unsolicited pong is ignored and the connection stays usable', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    await c.send({ opcode: OP.pong, payload: 'unasked' }, text('ping'));
    await expectText(c, 'pong');
  });
});

// --- Protocol errors (§5.1, §5.2, §5.4, §5.5, §7.4): close 1002, then the TCP connection ends ---

const BIG_CONTROL = Buffer.alloc(126, 0x61);
const PROTOCOL_ERRORS: [string, FrameSpec[]][] = [
  ['an unmasked client frame', [{ opcode: OP.text, payload: 'ping', mask: false }]],
  ['RSV1 set without a negotiated extension', [{ opcode: OP.text, payload: 'ping', rsv: 0b100 }]],
  ['RSV2 set', [{ opcode: OP.text, payload: 'ping', rsv: 0b010 }]],
  ['RSV3 set', [{ opcode: OP.text, payload: 'ping', rsv: 0b001 }]],
  ['reserved data opcode 3', [{ opcode: 0x3, payload: 'ping' }]],
  ['reserved control opcode 0xB', [{ opcode: 0xb }]],
  ['a control frame with a 126-byte payload (16-bit length form)', [{ opcode: OP.ping, payload: BIG_CONTROL }]],
  ['a ping with FIN clear', [{ opcode: OP.ping, payload: 'x', fin: false }]],
  ['a continuation frame with no message started', [continuation('ping', true)]],
  ['a new text frame while a fragmented message is open', [text('pi', false), text('ng')]],
  ['a close frame with a 1-byte payload', [{ opcode: OP.close, payload: Buffer.from([0x03]) }]],
  ...[1005, 1006, 999, 5000].map((code): [string, FrameSpec[]] => [`a close frame with code ${code}`, [{ opcode: OP.close, payload: closePayload(code) }]]),
];

for (const [name, frames] of PROTOCOL_ERRORS) {
  test(`protocol error, ${name}: close 1002, then the TCP connection ends`, async () => {
    await withServer({}, async ({ open }) => {
      const c = await open();
      await c.send(...frames);
      await expectClose(c, 1002);
    });
  });
}

test('after a protocol error no further frame of that connection is processed', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    // In one TCP write: a frame with RSV2 set, then a valid `ping`. Only the close frame may come back.
    await c.send({ opcode: OP.text, payload: 'ping', rsv: 0b010 }, text('ping'));
    await expectClose(c, 1002);
  });
});

test("one client's protocol error does not disturb another connection", async () => {
  await withServer({}, async ({ open }) => {
    const bystander = await open();
    const c = await open();
    await c.send({ opcode: OP.text, payload: 'ping', mask: false });
    await expectClose(c, 1002);
    await bystander.send(text('ping'));
    await expectText(bystander, 'pong');
  });
});

// --- UTF-8 (§8.1): close 1007 ---

test('invalid UTF-8 in a text frame: close 1007', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    await c.send(text(Buffer.from([0x70, 0xc3, 0x28])));
    await expectClose(c, 1007);
  });
});

test('invalid UTF-8 spanning the fragments of a text message: close 1007', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    // E2 82 starts a 3-byte sequence; the next fragment continues it with 0x28, which is no continuation byte.
    await c.send(text(Buffer.from([0x61, 0xe2, 0x82]), false), continuation(Buffer.from([0x28, 0x62]), true));
    await expectClose(c, 1007);
  });
});

test('a valid UTF-8 character split across fragments is accepted', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    const message = Buffer.from('["€"]');
    const cut = message.indexOf(0xe2) + 1; // inside the 3-byte sequence of €
    await c.send(text(message.subarray(0, cut), false), continuation(message.subarray(cut), true));
    const reply = await c.nextFrame();
    assertServerFrame(reply, OP.text);
    assert.equal((JSON.parse(reply.payload.toString()) as { message: unknown }).message, 'message-type-not-allowed');
  });
});

test('a close reason that is not valid UTF-8: close 1007', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    await c.send({ opcode: OP.close, payload: Buffer.concat([closePayload(1000), Buffer.from([0xc3, 0x28])]) });
    await expectClose(c, 1007);
  });
});

// --- Message size (maxFrameBytes): close 1009 ---

const MAX = 1024;

test('a message of exactly maxFrameBytes is accepted', async () => {
  await withServer({ maxFrameBytes: MAX }, async ({ open }) => {
    const c = await open();
    const message = `[${' '.repeat(MAX - 2)}]`;
    assert.equal(Buffer.byteLength(message), MAX);
    await c.send(text(message));
    const reply = await c.nextFrame();
    assertServerFrame(reply, OP.text);
    assert.equal((JSON.parse(reply.payload.toString()) as { message: unknown }).message, 'message-type-not-allowed');
  });
});

test('a single frame larger than maxFrameBytes: close 1009', async () => {
  await withServer({ maxFrameBytes: MAX }, async ({ open }) => {
    const c = await open();
    await c.send(text('x'.repeat(MAX + 1)));
    await expectClose(c, 1009);
  });
});

test('fragments each under maxFrameBytes whose total exceeds it: close 1009', async () => {
  await withServer({ maxFrameBytes: MAX }, async ({ open }) => {
    const c = await open();
    await c.send(text('x'.repeat(600), false), continuation('x'.repeat(600), true));
    await expectClose(c, 1009);
  });
});

// --- Closing handshake started by the client (§5.5.1, §7) ---

test('a client close with 1000 "bye" is answered with a close frame carrying 1000, then TCP ends', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    await c.send({ opcode: OP.close, payload: closePayload(1000, 'bye') });
    await expectClose(c, 1000);
  });
});

test('a client close with an empty payload is answered with a close frame (empty or 1000), then TCP ends', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    await c.send({ opcode: OP.close });
    await expectClose(c, undefined, 1000);
  });
});

test('a client close with the application code 4000 is valid: answered with a close frame, then TCP ends', async () => {
  await withServer({}, async ({ open }) => {
    const c = await open();
    await c.send({ opcode: OP.close, payload: closePayload(4000, 'app') });
    // Typically echoed (§5.5.1); never answered as a protocol error.
    await expectClose(c, 4000, 1000, undefined);
  });
});

test('a client that sends a close frame but never closes its half of TCP is disconnected after a grace period: the connection count returns to 0', async () => {
  await withServer({}, async ({ rc, open }) => {
    const connections = async (): Promise<number> =>
      ((await (await fetch(`${rc.url}/healthz`)).json()) as { connections: number }).connections;
    const c = await open();
    // This client keeps its half open after the server's FIN and never sends one of its own.
    c.socket.allowHalfOpen = true;
    await c.send({ opcode: OP.close, payload: closePayload(1000) });
    await expectClose(c, 1000);
    await eventually(async () => assert.equal(await connections(), 0), 5000);
  });
});

test('a client that ends TCP without a close frame is cleaned up: the connection count returns to 0', async () => {
  await withServer({}, async ({ rc, open }) => {
    const connections = async (): Promise<number> =>
      ((await (await fetch(`${rc.url}/healthz`)).json()) as { connections: number }).connections;
    const c = await open();
    assert.equal(await connections(), 1);
    c.socket.end();
    await c.closed();
    await eventually(async () => assert.equal(await connections(), 0));
  });
});
