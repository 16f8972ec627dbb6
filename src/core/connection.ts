/**
 * A connection: socket + identity + memberships + its limits (outbound bytes, inbound rate).
 *
 * @module
 */
import { CloseCode } from '../wire/close-codes.js';
import type { Identity } from './identity.js';
import type { Socket } from './socket.js';
import type { Stats } from './stats.js';

/** Per-connection limits. */
export interface ConnectionLimits {
  /** Bytes queued for a client before it counts as a slow consumer and is closed with 4008. */
  readonly maxQueueBytes: number;
  /** Messages a client may send per second, sustained. */
  readonly messagesPerSecond: number;
  /** Messages a client may send in a burst above the sustained rate. */
  readonly burst: number;
}

/** One group membership of a connection, as the hub indexes it. */
export interface Membership {
  readonly conn: Connection;
  readonly group: string;
  /** Bytes appended to the group's rendered frame for this member (templar: its requestId), if any. */
  readonly tail: Buffer | undefined;
}

/** What a connection may do with an incoming message. */
export type Admission = 'accept' | 'reject' | 'close';

// Rejected messages tolerated (each answered with an error) before a flooding client is closed.
const MAX_STRIKES = 100;
// How long a closing handshake may take before the socket is destroyed.
const CLOSE_GRACE_MS = 2000;

/** A live client connection. Holds no timers of its own: idle time is swept by the registry. */
export class Connection {
  readonly id: string;
  readonly dialect: string;
  readonly identity: Identity;
  readonly memberships = new Set<Membership>();
  /** Last time (ms) an application message arrived. */
  lastSeen: number;
  #socket: Socket;
  #limits: ConnectionLimits;
  #stats: Stats;
  #tokens: number;
  #refilledAt: number;
  #strikes = 0;
  #closing = false;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(id: string, dialect: string, identity: Identity, socket: Socket, limits: ConnectionLimits, stats: Stats) {
    this.id = id;
    this.dialect = dialect;
    this.identity = identity;
    this.#socket = socket;
    this.#limits = limits;
    this.#stats = stats;
    this.lastSeen = Date.now();
    this.#tokens = limits.burst;
    this.#refilledAt = this.lastSeen;
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
   * Queues one text frame. A client whose queue passes `maxQueueBytes` is closed (4008) rather than allowed to
   * grow the server's memory.
   */
  send(frame: Buffer | string): boolean {
    if (this.#closing) {
      this.#stats.sendErrors++;
      return false;
    }
    if (this.#socket.bufferedAmount + frame.length > this.#limits.maxQueueBytes) {
      this.#stats.sendErrors++;
      this.#stats.slowConsumers++;
      this.close(CloseCode.SlowConsumer, 'slow consumer');
      return false;
    }
    this.#socket.send(frame);
    this.#stats.sent++;
    return true;
  }

  /** Counts an incoming application message against the rate limit (token bucket). */
  admit(now: number): Admission {
    this.lastSeen = now;
    const { messagesPerSecond, burst } = this.#limits;
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.#refilledAt) * messagesPerSecond) / 1000);
    this.#refilledAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#strikes = 0;
      return 'accept';
    }
    this.#strikes++;
    return this.#strikes > MAX_STRIKES ? 'close' : 'reject';
  }

  /** Closes with a code from {@link CloseCode}; the socket is destroyed if the handshake does not finish. */
  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#socket.close(code, reason);
    this.#graceTimer = setTimeout(() => this.#socket.terminate(), CLOSE_GRACE_MS);
    this.#graceTimer.unref();
  }

  /** Records that the socket is gone (either side closed it). */
  closed(): void {
    this.#closing = true;
    clearTimeout(this.#graceTimer);
  }
}
