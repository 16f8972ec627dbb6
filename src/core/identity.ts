/**
 * Who a connection is, as an auth strategy established it.
 *
 * @module
 */
import type { RoomMatcher } from '../rooms/matcher.js';
import type { JsonValue } from '../wire/json.js';

/** The outcome of a successful authentication. */
export interface Identity {
  /** The user as the backend described it (e.g. a bootstrap's `user`), or `null` for anonymous. */
  readonly user: JsonValue;
  /** The rooms this identity may subscribe to. */
  readonly rooms: RoomMatcher;
  /** When the identity stops being valid (ms since epoch), if it expires. */
  readonly expiresAt?: number;
}
