/**
 * Auth strategies: `(upgrade request) → identity | denial | error`, decided before the WebSocket upgrade
 * completes (as high-templar does), so a failing backend becomes an HTTP status, not a half-open socket.
 *
 * @module
 */
import type { Identity } from '../core/identity.js';

/** The parts of an upgrade request a strategy may look at. */
export interface UpgradeRequest {
  /** Path and query as received. Contains secrets (`?token=`): log it only through `redactUrl`. */
  readonly url: string;
  readonly query: URLSearchParams;
  /** Request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly remoteAddress: string;
}

/** What a strategy decided. */
export type AuthResult =
  | { readonly kind: 'allowed'; readonly identity: Identity }
  /** The client is not authorized: the dialect tells it so (templar: `{"is_authorized":false}`, close 1000). */
  | { readonly kind: 'denied'; readonly reason: string }
  /** Auth could not be decided (backend down, slow, malformed): the upgrade fails with `status`. */
  | { readonly kind: 'failed'; readonly status: number; readonly reason: string };

/** Decides who an upgrade request is. Must settle; `signal` aborts when the client goes away. */
export type AuthStrategy = (request: UpgradeRequest, signal: AbortSignal) => Promise<AuthResult>;

/** One header value of an upgrade request, `undefined` when absent or empty. */
export function headerValue(request: UpgradeRequest, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text === undefined || text === '' ? undefined : text;
}
