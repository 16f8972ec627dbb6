/**
 * Every open connection of this node, by id (so a message addressed to one connection finds it), and the one
 * shared timer that closes idle ones (no timer per connection).
 *
 * @module
 */
import type { Connection } from './connection.js';

/** The node's open connections. */
export class Registry {
  // Keyed by the connection's own id string: the map adds no string per connection.
  #all = new Map<string, Connection>();
  #perDialect = new Map<string, number>();
  #sweeper: NodeJS.Timeout | undefined;

  add(conn: Connection): void {
    this.#all.set(conn.id, conn);
    this.#perDialect.set(conn.dialect, (this.#perDialect.get(conn.dialect) ?? 0) + 1);
  }

  remove(conn: Connection): void {
    if (this.#all.get(conn.id) !== conn) return;
    this.#all.delete(conn.id);
    this.#perDialect.set(conn.dialect, (this.#perDialect.get(conn.dialect) ?? 1) - 1);
  }

  /** The open connection with this id, if it is on this node. */
  get(id: string): Connection | undefined {
    return this.#all.get(id);
  }

  /** Open connections, of one dialect or all. */
  count(dialect?: string): number {
    return dialect === undefined ? this.#all.size : (this.#perDialect.get(dialect) ?? 0);
  }

  /** Bytes queued for the clients of one dialect, or of all. */
  queuedBytes(dialect?: string): number {
    let total = 0;
    for (const conn of this.#all.values()) if (dialect === undefined || conn.dialect === dialect) total += conn.queuedBytes;
    return total;
  }

  /** The bytes of text every connection's memberships hold ({@link Connection.heldBytes}). */
  heldBytes(): number {
    let total = 0;
    for (const conn of this.#all.values()) total += conn.heldBytes;
    return total;
  }

  [Symbol.iterator](): IterableIterator<Connection> {
    return this.#all.values();
  }

  /**
   * One timer for every connection (none per connection): every `everyMs`, calls `onIdle` for each connection
   * silent for `idleMs` (`0`: never) and `onExpired` for each whose identity has expired.
   */
  sweep(everyMs: number, idleMs: number, onIdle: (conn: Connection) => void, onExpired: (conn: Connection) => void): void {
    this.stopSweeping();
    this.#sweeper = setInterval(() => {
      const now = Date.now();
      for (const conn of this.#all.values()) {
        if (conn.closing) continue;
        const expires = conn.identity.expiresAt;
        if (expires !== undefined && expires <= now) onExpired(conn);
        else if (idleMs > 0 && conn.lastSeen <= now - idleMs) onIdle(conn);
      }
    }, everyMs);
    this.#sweeper.unref();
  }

  stopSweeping(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}
