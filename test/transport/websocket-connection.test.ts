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

test('a client that pings without reading gets no pong per ping while backed up (pongs must not fill the server); on drain, one pong answers the latest', async () => {
  const written: Buffer[] = [];
  let pending: (() => void) | undefined;
  let reading = false;
  // The peer reads nothing until `reading`: the first write stays pending, so later ones queue in the stream
  // and it backs up at its high-water mark.
  const raw = new Duplex({ read() {}, write(chunk: Buffer, _enc, cb) {
    written.push(chunk);
    if (reading) cb();
    else pending = cb;
  }, highWaterMark: 1024 });
  const ws = new WebSocketConnection(raw, 'dGhlIHNhbXBsZSBub25jZQ==', undefined, 1024);
  ws.start(Buffer.alloc(0));
  const payload = (i: number): string => String(i).padStart(100, '0');
  const ping = (i: number): Buffer => clientFrame(0x9, Buffer.from(payload(i)));
  for (let i = 0; i < 1000; i++) raw.push(ping(i));
  await eventually(() => {
    assert.ok(ws.backedUp, 'backed up');
    // The 101 response plus pongs up to the high-water mark, not 1000 pongs (102 bytes each).
    assert.ok(raw.writableLength < 1024 + 2 * 102, `${raw.writableLength} bytes queued`);
  });
  // Queued behind the pending 101 response: the pongs answered before the stream backed up.
  const answered = (raw.writableLength - (written[0] as Buffer).length) / 102;
  assert.ok(Number.isInteger(answered) && answered > 0 && answered < 12, `${answered} pongs before backing up`);
  // The peer reads everything: the stream drains, and the latest ping gets the one further pong.
  reading = true;
  pending?.();
  const pongs = (): string[] => written.filter((b) => b[0] === 0x8a).map((b) => b.subarray(2).toString());
  const expected = [...Array.from({ length: answered }, (_, i) => payload(i)), payload(999)];
  await eventually(() => assert.deepEqual(pongs(), expected));
  raw.push(ping(1000));
  await eventually(() => assert.deepEqual(pongs(), [...expected, payload(1000)], 'pings are answered at once again'));
});

test('createServer refuses a maxFrameBytes it cannot honour', async () => {
  const { createServer } = await import('../../src/server.js');
  assert.throws(() => createServer({ maxFrameBytes: 2 ** 31 }), RangeError);
  assert.throws(() => createServer({ maxFrameBytes: 10 }), RangeError);
});

/** The text frames a server wrote after its 101 answer (unmasked, unfragmented). */
function serverFrames(bytes: Buffer): string[] {
  let at = bytes.indexOf('\r\n\r\n') + 4;
  const out: string[] = [];
  while (at < bytes.length) {
    assert.equal(bytes[at], 0x81, 'a final text frame');
    let length = (bytes[at + 1] as number) & 0x7f;
    let start = at + 2;
    if (length === 126) [length, start] = [bytes.readUInt16BE(at + 2), at + 4];
    else if (length === 127) [length, start] = [Number(bytes.readBigUInt64BE(at + 2)), at + 10];
    out.push(bytes.subarray(start, start + length).toString('utf8'));
    at = start + length;
  }
  return out;
}

test('fan-out frames carry the shared head and each member tail byte for byte, whatever the tail and size; frames of one turn keep their order', async () => {
  const chunks: Buffer[] = [];
  const raw = new Duplex({ read() {}, write(chunk: Buffer, _enc, cb) {
    chunks.push(chunk);
    cb();
  } });
  const ws = new WebSocketConnection(raw, 'dGhlIHNhbXBsZSBub25jZQ==', undefined, 1 << 20);
  ws.start(Buffer.alloc(0));
  const heads = ['{"type":"publish","data":1,"requestId":', `{"type":"publish","data":"${'x'.repeat(1990)}","requestId":`, `{"type":"publish","data":"${'y'.repeat(70_000)}","requestId":`];
  const tails = ['"r"}', `"${'a'.repeat(62)}"}`, `"${'b'.repeat(80)}"}`, '"Zürich €"}', '"\ud800 lone"}', '"😀"}'];
  const sent: string[] = [];
  for (const head of heads) {
    for (const tail of tails) {
      // Each pair twice in the turn: the first is written at once, the second corked until the turn ends.
      for (let i = 0; i < 2; i++) {
        ws.sendParts(Buffer.from(head), tail, Buffer.byteLength(tail));
        sent.push(head + tail);
      }
    }
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setImmediate(r));
  const expected = sent.map((text) => Buffer.from(text).toString('utf8')); // a lone surrogate is sent as U+FFFD
  assert.deepEqual(serverFrames(Buffer.concat(chunks)), expected);
  assert.equal(raw.writableCorked, 0, 'nothing is left corked once the turn is over');
});
