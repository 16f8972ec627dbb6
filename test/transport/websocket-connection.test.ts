/**
 * WebSocketConnection over an in-memory stream, for what raw TCP cannot show reliably: a peer that closes its
 * half of the connection and then reads nothing, so the server's own end of the stream never finishes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import type { Connection } from '../../src/core/connection.js';
import { WebSocketConnection } from '../../src/transport/websocket.js';
import { eventually } from '../helpers/server.js';

test('a client that ends TCP without a close frame and reads nothing more is destroyed after a grace period, and its connection closed', async () => {
  // Every write stays pending (the peer's window is full), so end() alone never finishes.
  const raw = new Duplex({ allowHalfOpen: true, read() {}, write() {} });
  const ws = new WebSocketConnection(raw, 'dGhlIHNhbXBsZSBub25jZQ==', undefined, 1024);
  let closed = 0;
  ws.connection = { closed: () => closed++, receive: () => {} } as unknown as Connection;
  ws.start(Buffer.alloc(0));
  raw.push(null); // the client's FIN, with no close frame before it
  await eventually(() => assert.ok(raw.writableEnded, 'the server ends its half'));
  await eventually(() => {
    assert.ok(raw.destroyed, 'destroyed');
    assert.equal(closed, 1, 'the connection is told once');
  }, 4000);
});

/** A client frame: masked with a zero key, so the payload reads as is. */
const clientFrame = (opcode: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]);

test('a client that pings without reading gets no more pongs once its socket is backed up (pongs must not fill the server)', () => {
  const written: Buffer[] = [];
  // The peer reads nothing: every write stays pending, so the stream backs up at its high-water mark.
  const raw = new Duplex({ read() {}, write(chunk: Buffer) {
    written.push(chunk);
  }, highWaterMark: 1024 });
  const ws = new WebSocketConnection(raw, 'dGhlIHNhbXBsZSBub25jZQ==', undefined, 1024);
  ws.start(Buffer.alloc(0));
  const ping = clientFrame(0x9, Buffer.alloc(100, 7));
  for (let i = 0; i < 1000; i++) raw.push(ping);
  return eventually(() => {
    assert.ok(ws.backedUp, 'backed up');
    // The 101 response plus pongs up to the high-water mark, not 1000 pongs (102 bytes each).
    assert.ok(raw.writableLength < 1024 + 2 * 102, `${raw.writableLength} bytes queued`);
  });
});

test('createServer refuses a maxFrameBytes it cannot honour', async () => {
  const { createServer } = await import('../../src/server.js');
  assert.throws(() => createServer({ maxFrameBytes: 2 ** 31 }), RangeError);
  assert.throws(() => createServer({ maxFrameBytes: 10 }), RangeError);
});
