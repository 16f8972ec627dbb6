/**
 * What a dialect is: a pure codec, a handler per message, and a renderer for envelopes. A dialect talks to a
 * {@link Session}; it never sees a socket (STYLE.md, habit 3).
 *
 * @module
 */
import type { Membership } from '../core/connection.js';
import type { Envelope } from '../core/envelope.js';
import type { Identity } from '../core/identity.js';
import type { Stats } from '../core/stats.js';

/** Node-wide facts a dialect may report (templar's `status`). */
export interface ServerView {
  /** Open connections speaking `dialect` on this node. */
  connections(dialect: string): number;
  /** Groups with local members whose name starts with `prefix`. */
  groups(prefix: string): number;
  /** Bytes queued for all clients of `dialect` on this node. */
  queuedBytes(dialect: string): number;
  readonly stats: Stats;
}

/** What a dialect may do with its connection. */
export interface Session {
  /** The connection's id (a UUID). */
  readonly id: string;
  readonly identity: Identity;
  readonly server: ServerView;
  /** Sends one text frame to this client. */
  send(frame: string | Buffer): void;
  /** Joins a group; `tail` is appended to the group's frames for this membership. */
  join(group: string, tail?: Buffer): Membership;
  /** Leaves a group joined with {@link join}. */
  leave(membership: Membership): void;
  /** Closes the connection with a code of `CloseCode`. */
  close(code: number, reason: string): void;
}

/** How a dialect tells an unauthorized client so, once the upgrade has completed. */
export interface Denial {
  /** A last frame to send before closing, if any. */
  readonly frame?: string;
  readonly code: number;
  readonly reason: string;
}

/** A wire protocol spoken at one path. `State` is the dialect's per-connection state. */
export interface Dialect<State = unknown> {
  /** Short name, also used to pick the renderer for a connection. */
  readonly name: string;
  /** Default URL path, e.g. `/ws/`. */
  readonly path: string;
  /** Called once an authorized connection is open: sends any greeting, returns the connection's state. */
  open(session: Session): State;
  /** What an unauthorized client is told. */
  deny(): Denial;
  /** Handles one client frame. Frames of one connection are handled one after another, in order. */
  message(session: Session, state: State, frame: string): void | Promise<void>;
  /** Answers a frame dropped by the rate limit. */
  rateLimited(session: Session): void;
  /** Renders a published envelope; the same bytes go to every member (plus each membership's tail). */
  render(envelope: Envelope): Buffer | undefined;
  /** The connection closed; its memberships are already gone. */
  closed?(session: Session, state: State): void;
}
