/**
 * The hub: this node's membership index (group → members) and local fan-out. It tells the layer when a group
 * gains its first local member or loses its last, and renders each envelope once per dialect, not per member.
 *
 * @module
 */
import type { Layer } from '../layers/layer.js';
import type { Connection, Membership } from './connection.js';
import type { Envelope } from './envelope.js';

/** Renders an envelope into a dialect's frame, or `undefined` when the dialect has nothing to send for it. */
export type Renderer = (envelope: Envelope) => Buffer | undefined;

/**
 * Decides, for one envelope, which connections may receive it (`undefined`: all). Registered per envelope event;
 * model changes use it for per-object read permissions.
 */
export type Guard = (envelope: Envelope) => ((conn: Connection) => boolean) | undefined;

/** Membership index and fan-out for one node. */
export class Hub {
  // Members in arrays, not Sets: denser per member and faster to walk in fan-out; removal swaps with the last.
  #groups = new Map<string, Membership[]>();
  #layer: Layer;
  #renderers: ReadonlyMap<string, Renderer>;
  #guards = new Map<string, Guard>();

  /** @param renderers one renderer per dialect name */
  constructor(layer: Layer, renderers: ReadonlyMap<string, Renderer>) {
    this.#layer = layer;
    this.#renderers = renderers;
  }

  /**
   * Adds a membership of `conn` to `group` (the connection keeps its own list; call through
   * `Connection.join`). `index` is its position in that list.
   */
  join(conn: Connection, group: string, tail: string | undefined, index: number): Membership {
    let members = this.#groups.get(group);
    let name = group;
    if (members === undefined) {
      members = [];
      this.#groups.set(group, members);
      this.#layer.interest(group, true);
    } else {
      // Share one string per group: each member would otherwise hold its own copy of the name.
      name = (members[0] as Membership).group;
    }
    const membership: Membership = {
      conn,
      group: name,
      tail,
      tailBytes: tail === undefined ? 0 : Buffer.byteLength(tail),
      index,
      slot: members.length,
    };
    members.push(membership);
    return membership;
  }

  /** Removes one membership (call through `Connection.leave`); the group disappears with its last member. */
  leave(membership: Membership): void {
    const members = this.#groups.get(membership.group);
    if (members === undefined || members[membership.slot] !== membership) return;
    const last = members.pop() as Membership;
    if (last !== membership) {
      last.slot = membership.slot;
      members[membership.slot] = last;
    }
    if (members.length === 0) {
      this.#groups.delete(membership.group);
      this.#layer.interest(membership.group, false);
    }
  }

  /** Filters who receives envelopes of `event`. */
  guard(event: string, guard: Guard): void {
    this.#guards.set(event, guard);
  }

  /** Delivers to local members and hands the envelope to the layer for the other nodes. */
  publish(envelope: Envelope): void {
    this.deliver(envelope);
    this.#layer.publish(envelope);
  }

  /** Delivers to this node's members only (envelopes arriving from the layer come here). */
  deliver(envelope: Envelope): void {
    // Rendered once per dialect per envelope; a group's members nearly always share a dialect.
    const frames = new Map<string, Buffer | undefined>();
    let dialect: string | undefined;
    let frame: Buffer | undefined;
    const exclude = envelope.exclude;
    const accept = this.#guards.size === 0 ? undefined : this.#guards.get(envelope.event)?.(envelope);
    for (const group of envelope.groups) {
      const members = this.#groups.get(group);
      if (members === undefined) continue;
      for (let i = 0; i < members.length; i++) {
        const m = members[i] as Membership;
        const conn = m.conn;
        if (conn.dialect !== dialect) {
          dialect = conn.dialect;
          if (frames.has(dialect)) frame = frames.get(dialect);
          else {
            frame = this.#renderers.get(dialect)?.(envelope);
            frames.set(dialect, frame);
          }
        }
        if (frame === undefined || conn.id === exclude || (accept !== undefined && !accept(conn))) continue;
        conn.sendParts(frame, m.tail, m.tailBytes);
      }
    }
  }

  /** Number of groups with at least one local member whose name starts with `prefix`. */
  countGroups(prefix = ''): number {
    if (prefix === '') return this.#groups.size;
    let n = 0;
    for (const group of this.#groups.keys()) if (group.startsWith(prefix)) n++;
    return n;
  }

  /** Local members of a group (for tests and admin). */
  members(group: string): number {
    return this.#groups.get(group)?.length ?? 0;
  }
}
