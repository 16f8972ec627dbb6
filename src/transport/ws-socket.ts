/**
 * {@link Socket} over a `ws` WebSocket and the raw stream under it.
 *
 * Fan-out frames are written by us, not by `ws`: a frame header (cached by length) then the payload shared by
 * every member, then the member's tail — no copy, no per-member allocation beyond the header of an unusual length.
 * Writes are corked and flushed once per event-loop turn, so a burst of publishes to one client costs one
 * syscall, not one per frame (DESIGN.md, performance principles). This is safe because `ws` runs without
 * compression: its sender never queues, so our writes and its own (replies, close frames) keep their order.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Socket } from '../core/socket.js';

const TEXT = { binary: false } as const;
const FIN_TEXT = 0x81;

let corked: Duplex[] = [];
let flushScheduled = false;

function flush(): void {
  const sockets = corked;
  corked = [];
  flushScheduled = false;
  for (const s of sockets) s.uncork();
}

function corkForThisTurn(raw: Duplex): void {
  if (raw.writableCorked > 0) return;
  raw.cork();
  corked.push(raw);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
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

/** A `ws` WebSocket seen as a core {@link Socket}. */
export class WsSocket implements Socket {
  readonly #ws: WebSocket;
  readonly #raw: Duplex;

  constructor(ws: WebSocket, raw: Duplex) {
    this.#ws = ws;
    this.#raw = raw;
  }

  send(data: Buffer | string): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    corkForThisTurn(this.#raw);
    this.#ws.send(data, TEXT);
  }

  sendParts(head: Buffer, tail: string | undefined, tailBytes: number): void {
    const raw = this.#raw;
    if (this.#ws.readyState !== WebSocket.OPEN || !raw.writable) return;
    corkForThisTurn(raw);
    raw.write(textFrameHeader(head.length + tailBytes));
    raw.write(head);
    if (tail !== undefined) raw.write(tail);
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  onceDrained(listener: () => void): void {
    this.#raw.once('drain', listener);
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }

  terminate(): void {
    this.#ws.terminate();
  }
}
