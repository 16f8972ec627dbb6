/**
 * The one error type a client request rejects with: `code` says why, `error` and `data` keep what the server
 * said (rohrpost.js rejected with bare strings or `undefined`).
 *
 * @module
 */

import { CloseCode } from '../wire/close-codes.js';

/** Why a request failed. */
export type RequestFailure =
  /** The server answered with an error; see `error` and `data`. */
  | 'server'
  /** No reply within the request's timeout. */
  | 'timeout'
  /** The connection dropped after the request was sent; it may or may not have run. */
  | 'disconnected'
  /** The client was closed, or stopped because the server refused its credentials. */
  | 'closed'
  /** Made while disconnected, with the offline queue full. */
  | 'queue-full'
  /** Its `AbortSignal` fired. */
  | 'aborted';

/** A failed request. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  /** Why it failed. */
  readonly code: RequestFailure;
  /** The request's message type (rohrpost) or kind (templar `subscribe`). */
  readonly type: string;
  /** The server's error value, when `code` is `'server'`. */
  readonly error?: unknown;
  /** The server's `data` with its error, if any. */
  readonly data?: unknown;

  constructor(code: RequestFailure, type: string, message: string, server?: { error: unknown; data?: unknown }) {
    super(message);
    this.code = code;
    this.type = type;
    if (server !== undefined) {
      this.error = server.error;
      this.data = server.data;
    }
  }
}

/**
 * The error of a request that a lost socket ended: `closed` when the server refused the connection's credentials
 * (`refused`: the dialect said so, or the close code is 4001/4003; the client stops), else `disconnected`.
 */
export function lostRequestError(type: string, info: { readonly code: number; readonly reason: string }, refused: boolean): RequestError {
  const close = `${info.code}${info.reason === '' ? '' : ` ${info.reason}`}`;
  if (refused || info.code === CloseCode.Unauthorized || info.code === CloseCode.Forbidden) {
    return new RequestError('closed', type, `${type}: the server refused this connection's credentials (${close}): check the token or session; the server's log says why`);
  }
  return new RequestError('disconnected', type, `${type}: the connection was lost (${close})`);
}
