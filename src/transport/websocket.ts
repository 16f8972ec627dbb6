/**
 * roomcast's server-side WebSocket: core's {@link Socket} over the raw TCP stream, with the RFC 6455 reading
 * rules of {@link FrameReader}. One object per connection, no per-connection closures or timers, no buffers
 * while idle: the reason roomcast does not use `ws` on the server (DESIGN.md, dependencies).
 *
 * Fan-out frames are a header (cached by length), the payload shared by every member, then the member's tail:
 * no copy, no per-member allocation beyond the header of an unusual length. A socket's first frame in an
 * event-loop turn is written at once; further frames in the same turn are corked and flushed together, so a
 * burst of publishes to one client costs one syscall, not one per frame, while a lone publish is not delayed.
 *
 * @module
 */
import type { Socket as NetSocket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Connection } from '../core/connection.js';
import type { Socket } from '../core/socket.js';
import { Opcode, closeFrame, controlFrame, textFrameHeader } from './rfc6455/frames.js';
import { switchingProtocols } from './rfc6455/handshake.js';
import { FrameReader } from './rfc6455/reader.js';

// How long a failed or refused connection may take to finish closing before it is destroyed.
const CLOSE_GRACE_MS = 2000;
// Idle time before the kernel starts probing a silent peer.
const KEEPALIVE_MS = 60_000;

// The event-loop turn, counted from 1: a socket remembers the turn it was last written in (no set of sockets per
// turn to fill and look up). Sockets corked in this turn are uncorked when it ends.
let turn = 1;
let corked: Duplex[] = [];
let flushScheduled = false;

function endTurn(): void {
  const sockets = corked;
  corked = [];
  turn++;
  flushScheduled = false;
  for (const s of sockets) s.uncork();
}

// Frames up to this size go out as one copied buffer when they are written at once: one plain write is cheaper
// for Node's streams than a vectored write of header, payload and tail.
const COPY_BELOW = 2048;
// Tails up to this length are copied byte by byte: cheaper than a call into the UTF-8 encoder for a few bytes.
const SHORT_TAIL = 64;

/** One frame, header + head (+ tail) of `bytes` bytes in all after the header, as one new buffer. */
function copied(header: Buffer, head: Buffer, tail: string | undefined, bytes: number, tailAscii: boolean): Buffer {
  const frame = Buffer.allocUnsafe(header.length + bytes);
  for (let i = 0; i < header.length; i++) frame[i] = header[i] as number;
  frame.set(head, header.length);
  if (tail !== undefined) {
    const at = header.length + head.length;
    if (tailAscii && tail.length <= SHORT_TAIL) for (let i = 0; i < tail.length; i++) frame[at + i] = tail.charCodeAt(i);
    else frame.write(tail, at);
  }
  return frame;
}

const OWNER = Symbol('roomcast.websocket');
type Raw = Duplex & { [OWNER]?: WebSocketConnection };

// Module-level listeners, called with the raw stream as `this`: no closure per connection.
function onData(this: Raw, chunk: Buffer): void {
  this[OWNER]?.read(chunk);
}
function onEnd(this: Raw): void {
  // The client closed its half without a close frame: close ours too. A client that also stopped reading would
  // keep that end from ever finishing (and the connection registered), so the socket is destroyed after the grace.
  this.end();
  destroyLater(this);
}
function onError(this: Raw): void {
  // A reset or a write after the peer left; 'close' follows and cleans up.
  this.destroy();
}
function onClose(this: Raw): void {
  this[OWNER]?.gone();
}
function onDrainPong(this: Raw): void {
  this.off('drain', onDrainPong);
  this[OWNER]?.answerHeldPing();
}
/** Destroys `raw` unless it closes within the grace: for a peer that may never finish closing its side. */
export function destroyLater(raw: Duplex): void {
  setTimeout(() => raw.destroy(), CLOSE_GRACE_MS).unref();
}

/** A WebSocket connection accepted by this server. */
export class WebSocketConnection extends FrameReader implements Socket {
  /** The connection this socket carries, once authorized. */
  connection: Connection | undefined = undefined;
  protected readonly maxPayload: number;
  readonly #raw: Raw;
  #closeSent = false;
  /** The turn this socket was last written in (see `turn`). */
  #turn = 0;
  /** The payload of the latest ping not answered yet because the socket was backed up (answered on drain). */
  #heldPing: Buffer | undefined = undefined;

  /**
   * Completes the handshake on `raw` (the upgrade request's socket, already checked by `checkUpgrade`).
   * Frames are read once {@link start} is called.
   */
  constructor(raw: Duplex, key: string, protocol: string | undefined, maxPayload: number) {
    super();
    this.maxPayload = maxPayload;
    this.#raw = raw;
    raw.write(switchingProtocols(key, protocol));
    // Small frames go out at once; an HTTP server's socket timeout no longer applies.
    const tcp = raw as Partial<NetSocket>;
    tcp.setNoDelay?.(true);
    tcp.setTimeout?.(0);
    // A peer that vanished without FIN or RST is found by the kernel, with no timer of ours.
    tcp.setKeepAlive?.(true, KEEPALIVE_MS);
  }

  /** Starts reading: `head` is what the client sent after its upgrade request. */
  start(head: Buffer): void {
    const raw = this.#raw;
    raw[OWNER] = this;
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('error', onError);
    raw.on('close', onClose);
    if (raw.destroyed) this.gone();
    else if (head.length > 0) this.read(head);
  }

  get bufferedAmount(): number {
    return this.#raw.writableLength;
  }

  get backedUp(): boolean {
    return this.#raw.writableNeedDrain;
  }

  sendText(data: Buffer | string): void {
    const raw = this.#raw;
    if (this.#closeSent || !raw.writable) return;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.#write(raw, textFrameHeader(bytes), data, undefined, bytes, false);
  }

  sendParts(head: Buffer, tail: string | undefined, tailBytes: number): void {
    const raw = this.#raw;
    if (this.#closeSent || !raw.writable) return;
    // A tail as long in bytes as in characters is ASCII.
    this.#write(raw, textFrameHeader(head.length + tailBytes), head, tail, head.length + tailBytes, tail !== undefined && tail.length === tailBytes);
  }

  /**
   * Writes one frame: at once if it is this socket's first in the turn, else corked until the turn ends. A
   * socket's frames stay in order either way (a corked socket buffers the later ones behind the first).
   */
  #write(raw: Duplex, header: Buffer, head: Buffer | string, tail: string | undefined, bytes: number, tailAscii: boolean): void {
    if (this.#turn !== turn) {
      this.#turn = turn;
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(endTurn);
      }
      if (bytes < COPY_BELOW && typeof head !== 'string') {
        raw.write(copied(header, head, tail, bytes, tailAscii));
        return;
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

  onceDrained(listener: () => void): void {
    this.#raw.once('drain', listener);
  }

  /** Sends a close frame; the client's answer (or the caller's timer) ends the connection. */
  close(code: number, reason: string): void {
    this.#sendClose(code, reason);
  }

  /** Closes with a close frame and destroys the socket if the client does not finish closing in time. */
  closeSoon(code: number, reason: string): void {
    this.#sendClose(code, reason);
    destroyLater(this.#raw);
  }

  terminate(): void {
    this.#raw.destroy();
  }

  /** The TCP connection is gone. */
  gone(): void {
    this.stopReading();
    const conn = this.connection;
    this.connection = undefined;
    conn?.closed();
  }

  protected onMessage(text: string): void {
    this.connection?.receive(text, Date.now());
  }

  protected onPing(payload: Buffer): void {
    const raw = this.#raw;
    if (this.#closeSent || !raw.writable) return;
    if (!raw.writableNeedDrain) {
      raw.write(controlFrame(Opcode.Pong, payload));
      return;
    }
    // Backed up: a pong per ping queued without bound would let a client that pings without reading fill the
    // server's memory. Every ping must be answered (§5.5.2) unless a later one is (§5.5.3), so only the latest
    // payload is kept (copied: it may be a view of a large read) and answered once the socket drains.
    if (this.#heldPing === undefined) raw.on('drain', onDrainPong);
    this.#heldPing = Buffer.from(payload);
  }

  /** The socket drained: the latest ping received while it was backed up gets its pong. */
  answerHeldPing(): void {
    const payload = this.#heldPing;
    this.#heldPing = undefined;
    const raw = this.#raw;
    // No frame may follow a close frame (§5.5.1).
    if (payload !== undefined && !this.#closeSent && raw.writable) raw.write(controlFrame(Opcode.Pong, payload));
  }

  protected onPong(): void {
    // Unsolicited pongs are allowed (RFC 6455 §5.5.3); the server sends no pings of its own.
  }

  protected onCloseFrame(code: number | undefined): void {
    // Echo the client's code (§5.5.1), then end TCP: the server closes first (§7.1.1). A client that never closes
    // its side (half-open) is destroyed after the grace, as `ws` did with its close timer.
    this.#sendClose(code, '');
    this.#raw.end();
    destroyLater(this.#raw);
  }

  protected onProtocolError(code: number, reason: string): void {
    this.#sendClose(code, reason);
    this.#raw.end();
    destroyLater(this.#raw);
  }

  #sendClose(code: number | undefined, reason: string): void {
    const raw = this.#raw;
    if (this.#closeSent) return;
    this.#closeSent = true;
    if (!raw.writable) return;
    raw.write(closeFrame(code, reason));
  }
}
