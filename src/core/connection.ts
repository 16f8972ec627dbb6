/**
 * A connection: socket + identity + memberships + its dialect's handler, with its limits (outbound bytes,
 * inbound rate, the bytes of its frames waiting behind a slow handler). It is the dialect's {@link Session}. Per-connection memory is a handful of small objects: no
 * closures, no timers (idle time is swept by the registry), memberships in an array.
 *
 * @module
 */
import { CloseCode } from '../wire/close-codes.js';
import type { Hub } from './hub.js';
import type { Identity } from './identity.js';
import type { Registry } from './registry.js';
import type { Handler, ServerView, Session } from './session.js';
import type { Socket } from './socket.js';
import type { Stats } from './stats.js';
import type { Logger } from '../log.js';

/** What happens when a client's queue is full: close it (4008), or drop its oldest fan-out frames. */
export type QueuePolicy = 'close' | 'drop-oldest';

/** Per-connection limits. */
export interface ConnectionLimits {
  /**
   * Bytes queued for a client before the queue policy applies; also the most of the client's own frames held while
   * they wait behind one of its requests still running (past it they are answered as rate-limited).
   */
  readonly maxQueueBytes: number;
  readonly queuePolicy: QueuePolicy;
  /** Messages a client may send per second, sustained. */
  readonly messagesPerSecond: number;
  /** Messages a client may send in a burst above the sustained rate. */
  readonly burst: number;
}

/** What every connection of a server shares: one object, referenced by each. */
export interface ConnectionEnv {
  readonly hub: Hub;
  readonly registry: Registry;
  readonly limits: ConnectionLimits;
  readonly stats: Stats;
  readonly view: ServerView;
  readonly logger: Logger;
}

/** One group membership of a connection, as the hub indexes it. */
export interface Membership {
  readonly conn: Connection;
  readonly group: string;
  /**
   * Text appended to the group's rendered frame for this member (templar: its requestId), if any. A string, not
   * a Buffer: the socket encodes it while writing, and an idle subscription costs no Buffer object.
   */
  readonly tail: string | undefined;
  /** UTF-8 length of `tail`. */
  readonly tailBytes: number;
  /** Position in the connection's membership list (for O(1) removal). */
  index: number;
  /** Position in the hub's member list of its group. */
  slot: number;
}

// Rejected messages tolerated (each answered with an error) before a flooding client is closed.
const MAX_STRIKES = 100;
/** The memberships of every closed connection: none, and none to come. */
const CLOSED: Membership[] = [];

// How long a closing handshake may take before the socket is destroyed.
const CLOSE_GRACE_MS = 2000;

/** A live client connection. */
export class Connection implements Session {
  readonly id: string;
  readonly dialect: string;
  readonly identity: Identity;
  /** Last time (ms) an application message arrived. */
  lastSeen: number;
  /** The dialect's per-connection object; set right after construction by the dialect's `open`. */
  handler: Handler | undefined;
  #socket: Socket;
  #env: ConnectionEnv;
  #memberships: Membership[] = [];
  #tokens: number;
  #strikes = 0;
  #closing = false;
  #queue: Promise<void> | undefined;
  /** Length of the frames waiting in `#queue` behind a handler that has not finished. */
  #waiting = 0;
  /** Fan-out frames held back while the socket is backed up (drop-oldest policy only; absent otherwise). */
  #held: { frames: (Buffer | string | undefined)[]; bytes: number; first: number } | undefined;

  constructor(id: string, dialect: string, identity: Identity, socket: Socket, env: ConnectionEnv) {
    this.id = id;
    this.dialect = dialect;
    this.identity = identity;
    this.#socket = socket;
    this.#env = env;
    this.lastSeen = Date.now();
    this.#tokens = env.limits.burst;
  }

  get server(): ServerView {
    return this.#env.view;
  }

  /** Bytes waiting to be written to this client. */
  get queuedBytes(): number {
    return this.#socket.bufferedAmount;
  }

  /** Whether close has been called (by either side). */
  get closing(): boolean {
    return this.#closing;
  }

  /**
   * The UTF-8 bytes of text this connection's memberships hold: each group's name and tail (templar: its
   * requestId). Counted on demand (no field per connection), for tests and admin: what a client made the server
   * keep, bounded by each dialect's `maxSubscriptions` × (`maxRoomBytes` and its group prefix, and a tail).
   */
  get heldBytes(): number {
    let bytes = 0;
    for (const m of this.#memberships) bytes += Buffer.byteLength(m.group) + m.tailBytes;
    return bytes;
  }

  /** The memberships, for the hub. */
  get memberships(): readonly Membership[] {
    return this.#memberships;
  }

  join(group: string, tail?: string): Membership {
    const list = this.#memberships;
    // A handler still running when its socket closed (an awaited permission check) must not join: nothing would
    // ever remove the membership. It gets one that belongs to no group.
    if (list === CLOSED) return { conn: this, group, tail, tailBytes: 0, index: -1, slot: -1 };
    const membership = this.#env.hub.join(this, group, tail, list.length);
    // Small lists are copied at their exact size: an array grown by push from empty reserves 16 slots, which
    // every idle connection with a few subscriptions would carry.
    if (list.length < 16) this.#memberships = list.concat(membership);
    else list.push(membership);
    return membership;
  }

  leave(membership: Membership): void {
    const list = this.#memberships;
    const i = membership.index;
    if (list[i] !== membership) return;
    const last = list.pop() as Membership;
    if (last !== membership) {
      last.index = i;
      list[i] = last;
    }
    this.#env.hub.leave(membership);
  }

  /** Sends one frame; a client whose queue passes `maxQueueBytes` is closed (4008) instead. */
  send(frame: Buffer | string): boolean {
    if (!this.#admitOutbound(frame.length)) return false;
    this.#socket.sendText(frame);
    return true;
  }

  /** Sends `head` + `tail` as one frame without copying `head` (fan-out). */
  sendParts(head: Buffer, tail: string | undefined, tailBytes: number): boolean {
    const bytes = head.length + tailBytes;
    if (this.#env.limits.queuePolicy === 'drop-oldest' && !this.#closing) return this.#sendOrHold(head, tail, tailBytes);
    if (!this.#admitOutbound(bytes)) return false;
    this.#socket.sendParts(head, tail, tailBytes);
    return true;
  }

  /**
   * drop-oldest: while the socket takes data, frames go straight to it; once it is backed up they wait here
   * (flushed on drain), and when the waiting total passes half the limit the oldest waiting frames are dropped.
   * Only a backed-up socket promises a drain: holding frames for any other reason would hold them for good.
   */
  #sendOrHold(head: Buffer, tail: string | undefined, tailBytes: number): boolean {
    const { stats, limits } = this.#env;
    const half = limits.maxQueueBytes / 2;
    const bytes = head.length + tailBytes;
    if (this.#held === undefined) {
      if (!this.#socket.backedUp) {
        stats.sent++;
        this.#socket.sendParts(head, tail, tailBytes);
        return true;
      }
      this.#held = { frames: [], bytes: 0, first: 0 };
      this.#socket.onceDrained(() => this.#flushHeld());
    }
    const held = this.#held;
    held.frames.push(head, tail);
    held.bytes += bytes;
    while (held.bytes > half && held.first < held.frames.length - 2) {
      const h = held.frames[held.first] as Buffer;
      const t = held.frames[held.first + 1] as string | undefined;
      held.frames[held.first] = held.frames[held.first + 1] = undefined;
      held.first += 2;
      held.bytes -= h.length + (t === undefined ? 0 : Buffer.byteLength(t));
      stats.dropped++;
    }
    // A client that never drains must not grow the list of dropped slots.
    if (held.first > 1024 && held.first * 2 > held.frames.length) {
      held.frames = held.frames.slice(held.first);
      held.first = 0;
    }
    return true;
  }

  #flushHeld(): void {
    const held = this.#held;
    this.#held = undefined;
    if (held === undefined || this.#closing) return;
    for (let i = held.first; i < held.frames.length; i += 2) {
      const head = held.frames[i] as Buffer;
      const tail = held.frames[i + 1] as string | undefined;
      this.sendParts(head, tail, tail === undefined ? 0 : Buffer.byteLength(tail));
    }
  }

  #admitOutbound(bytes: number): boolean {
    const stats = this.#env.stats;
    if (this.#closing) {
      stats.sendErrors++;
      return false;
    }
    if (this.#socket.bufferedAmount + bytes > this.#env.limits.maxQueueBytes) {
      stats.sendErrors++;
      stats.slowConsumers++;
      this.close(CloseCode.SlowConsumer, 'slow consumer');
      return false;
    }
    stats.sent++;
    return true;
  }

  /** A frame from the client: rate-limited, then handed to the dialect in order (async handlers hold later frames back). */
  receive(frame: string, now: number): void {
    this.#env.stats.received++;
    const handler = this.handler;
    if (handler === undefined) return;
    // The bucket refills for the time since the last frame (lastSeen doubles as the refill time).
    const { messagesPerSecond, burst } = this.#env.limits;
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.lastSeen) * messagesPerSecond) / 1000);
    this.lastSeen = now;
    if (this.#tokens < 1) {
      if (++this.#strikes > MAX_STRIKES) this.close(CloseCode.RateLimited, 'rate limit exceeded');
      else handler.rateLimited();
      return;
    }
    if (this.#queue !== undefined) {
      // Frames held behind a slow handler cost what they weigh: a burst of 64 KiB frames would otherwise be held
      // whole (2,000 of them, 128 MiB). Past the queue limit they are answered as rate-limited, as a flood is.
      if (this.#waiting + frame.length > this.#env.limits.maxQueueBytes) {
        if (++this.#strikes > MAX_STRIKES) this.close(CloseCode.RateLimited, 'rate limit exceeded');
        else handler.rateLimited();
        return;
      }
      this.#tokens -= 1;
      this.#strikes = 0;
      this.#waiting += frame.length;
      this.#queue = this.#queue.then(() => {
        this.#waiting -= frame.length;
        return this.#handle(handler, frame);
      });
      return;
    }
    this.#tokens -= 1;
    this.#strikes = 0;
    const pending = this.#handle(handler, frame);
    if (pending !== undefined) {
      const queue: Promise<void> = pending.finally(() => {
        if (this.#queue === queue) this.#queue = undefined;
      });
      this.#queue = queue;
    }
  }

  #handle(handler: Handler, frame: string): Promise<void> | undefined {
    try {
      const result = handler.message(frame);
      return result === undefined ? undefined : result.catch((err: unknown) => this.#failed(err));
    } catch (err) {
      this.#failed(err);
      return undefined;
    }
  }

  #failed(err: unknown): void {
    this.#env.logger.error({ err, dialect: this.dialect }, 'dialect handler failed');
  }

  /** Closes with a code from {@link CloseCode}; the socket is destroyed if the handshake does not finish. */
  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#socket.close(code, reason);
    const socket = this.#socket;
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  /** The socket is gone (either side closed it): leave every group, deregister, tell the dialect. */
  closed(): void {
    this.#closing = true;
    this.#held = undefined;
    const hub = this.#env.hub;
    for (const membership of this.#memberships) hub.leave(membership);
    this.#memberships = CLOSED;
    this.#env.registry.remove(this);
    this.handler?.closed();
  }
}
