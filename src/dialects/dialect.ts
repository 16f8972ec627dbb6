/**
 * What a dialect is: a pure codec, a per-connection handler, and a renderer for envelopes. A dialect talks to a
 * {@link Session}; it never sees a socket (STYLE.md, habit 3).
 *
 * @module
 */
import type { Envelope } from '../core/envelope.js';
import type { Handler, Session } from '../core/session.js';

export type { Handler, ServerView, Session } from '../core/session.js';

/**
 * Every dialect's default of `maxRoomBytes`, the longest room (or group, or subscribed key) a subscription may name,
 * in UTF-8 bytes: the server holds it for as long as the subscription lives. Far above any room a real app uses
 * (`{"target":"user","id":42}`, `collection-52`, `shop.Order#17`), and 64 times below what a 64 KiB frame could send.
 */
export const DEFAULT_MAX_ROOM_BYTES = 1024;

/** How a dialect tells an unauthorized client so, once the upgrade has completed. */
export interface Denial {
  /** A last frame to send before closing, if any. */
  readonly frame?: string;
  readonly code: number;
  readonly reason: string;
}

/** A wire protocol spoken at one path. */
export interface Dialect {
  /** Short name, also used to pick the renderer for a connection. */
  readonly name: string;
  /** Default URL path, e.g. `/ws/`. */
  readonly path: string;
  /** An authorized connection is open: send any greeting and return the handler of its frames. */
  open(session: Session): Handler;
  /** What an unauthorized client is told. */
  deny(): Denial;
  /**
   * Renders a published envelope once for all members (each membership's tail is appended), or `undefined` when
   * this dialect has nothing to send for it.
   */
  render(envelope: Envelope): Buffer | undefined;
}
