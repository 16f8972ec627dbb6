/**
 * What a dialect sees of its connection (a {@link Session}), and what a connection asks of its dialect (a
 * {@link Handler}). Both are implemented by long-lived objects with methods on their prototypes, so an idle
 * connection costs a few small objects and no closures.
 *
 * @module
 */
import type { Membership } from './connection.js';
import type { Identity } from './identity.js';
import type { Stats } from './stats.js';
import type { LayerStatus } from '../layers/layer.js';

/** Node-wide facts a dialect may report (templar's `status`). */
export interface ServerView {
  /** This node's id in the layer (the first part of a connection's address, core/address.ts). */
  readonly nodeId: string;
  /** Open connections speaking `dialect` on this node. */
  connections(dialect: string): number;
  /** Groups with local members whose name starts with `prefix`. */
  groups(prefix: string): number;
  /** Bytes queued for all clients of `dialect` on this node. */
  queuedBytes(dialect: string): number;
  /** The cross-node layer's health. */
  layer(): LayerStatus;
  readonly stats: Stats;
}

/** What a dialect may do with its connection. */
export interface Session {
  /** The connection's id (a UUID). */
  readonly id: string;
  readonly identity: Identity;
  readonly server: ServerView;
  /** Sends one text frame to this client. */
  send(frame: string | Buffer): boolean;
  /** Joins a group; `tail` is appended to the group's frames for this membership. */
  join(group: string, tail?: string): Membership;
  /** This connection's memberships, in no particular order. */
  readonly memberships: readonly Membership[];
  /** Leaves a group joined with {@link join}. */
  leave(membership: Membership): void;
  /** Closes the connection with a code of `CloseCode`. */
  close(code: number, reason: string): void;
}

/** A dialect's per-connection object: it receives the client's frames. */
export interface Handler {
  /** Handles one client frame. Frames of one connection are handled one after another, in order. */
  message(frame: string): void | Promise<void>;
  /** Answers a frame dropped by the rate limit. */
  rateLimited(): void;
  /** The connection closed; its memberships are already gone. */
  closed(): void;
}
