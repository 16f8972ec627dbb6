/**
 * {@link Socket} over a `ws` WebSocket and the raw stream under it.
 *
 * Fan-out frames are written by us, not by `ws`: a frame header (cached by length) then the payload shared by
 * every member, then the member's tail — no copy, no per-member allocation beyond the header of an unusual length.
 * A socket's first frame in an event-loop turn is written at once; further frames in the same turn are corked
 * and flushed together, so a burst of publishes to one client costs one syscall, not one per frame (DESIGN.md,
 * performance principles), while a lone publish is not delayed. This is safe because `ws` runs without
 * compression: its sender never queues, so our writes and its own (replies, close frames) keep their order.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Connection } from '../core/connection.js';
import type { Socket } from '../core/socket.js';

const TEXT = { binary: false } as const;
const FIN_TEXT = 0x81;

// Sockets written to in this event-loop turn, and those of them corked until the turn ends. A socket's first
// frame in a turn goes out at once (one writev: no added latency when load is light); later frames in the same
// turn are batched and flushed together (one syscall for many frames when load is heavy).
let touched = new Set<Duplex>();
let corked: Duplex[] = [];
let flushScheduled = false;

function endTurn(): void {
  const sockets = corked;
  corked = [];
  touched = new Set();
  flushScheduled = false;
  for (const s of sockets) s.uncork();
}

function writeFrame(raw: Duplex, header: Buffer, head: Buffer, tail: string | undefined): void {
  if (!touched.has(raw)) {
    touched.add(raw);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(endTurn);
    }
    raw.cork();
    raw.write(header);
    raw.write(head);
    if (tail !== undefined) raw.write(tail);
    raw.uncork();
    return;
  }
  if (raw.writableCorked === 0) {
    raw.cork();
    corked.push(raw);
  }
  raw.write(header);
  raw.write(head);
  if (tail !== undefined) raw.write(tail);
}

// Headers of unmasked text frames: prebuilt for every length below 126, and the last longer one reused.
const SHORT_HEADERS = Array.from({ length: 126 }, (_, n) => Buffer.from([FIN_TEXT, n]));
let lastLength = -1;
let lastHeader = SHORT_HEADERS[0] as Buffer;

/** The header of an unmasked, final text frame carrying `length` bytes (RFC 6455 §5.2). */
export function textFrameHeader(length: number): Buffer {
  if (length < 126) return SHORT_HEADERS[length] as Buffer;
  if (length === lastLength) return lastHeader;
  let header: Buffer;
  if (length < 65536) {
    header = Buffer.allocUnsafe(4);
    header[0] = FIN_TEXT;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.allocUnsafe(10);
    header[0] = FIN_TEXT;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  lastLength = length;
  lastHeader = header;
  return header;
}

/**
 * ws's WebSocket, as the server creates it (the WebSocketServer's `WebSocket` option), doubling as core's
 * {@link Socket}: one object per connection instead of a wrapper, with the connection's slot declared so it
 * lives inside the object.
 */
export class RoomcastWebSocket extends WebSocket implements Socket {
  /** The connection this socket carries, once authorized. */
  connection: Connection | undefined = undefined;
  /** The raw stream under the WebSocket, written to directly by fan-out. */
  raw: Duplex | undefined = undefined;

  sendText(data: Buffer | string): void {
    // ws writes header and payload under its own cork: one syscall, in order with any batched frames.
    if (this.readyState === WebSocket.OPEN) this.send(data, TEXT);
  }

  sendParts(head: Buffer, tail: string | undefined, tailBytes: number): void {
    const raw = this.raw;
    if (raw === undefined || this.readyState !== WebSocket.OPEN || !raw.writable) return;
    writeFrame(raw, textFrameHeader(head.length + tailBytes), head, tail);
  }

  onceDrained(listener: () => void): void {
    this.raw?.once('drain', listener);
  }
}
