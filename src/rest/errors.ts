/**
 * How REST answers a failure: always `{"error": "<message>", "details"?: [...]}` with the status of the
 * failure's kind, never a stack trace. Model errors keep their message and details (written to be shown to
 * clients); request errors from fastify get fixed texts; anything else is a 500 with a generic message. Pure.
 *
 * @module
 */
import { ModelError, httpStatus } from '../models/errors.js';

/** The body of every REST error. */
export interface ErrorBody {
  readonly error: string;
  /** Validation problems, one per field (model `invalid` errors). */
  readonly details?: readonly string[];
}

/** What to answer for an error, and whether it was unexpected (to be logged). */
export interface ErrorReply {
  readonly status: number;
  readonly body: ErrorBody;
  readonly unexpected: boolean;
}

/** Texts of the request errors fastify raises before a handler runs, by status. */
const REQUEST_ERRORS: Readonly<Record<number, string>> = {
  413: 'request body too large',
  415: 'content-type must be application/json',
};

/** fastify's JSON parser's refusals: not JSON (or a `__proto__`/`constructor` key), or empty. */
const BAD_JSON: readonly unknown[] = ['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY'];
const isBadJson = (err: object): boolean => err instanceof SyntaxError || BAD_JSON.includes((err as { code?: unknown }).code);

/** The reply for an error thrown by a handler or raised by fastify. */
export function errorReply(err: unknown): ErrorReply {
  if (err instanceof ModelError) {
    return { status: httpStatus(err.code), body: { error: err.message, ...(err.details.length > 0 ? { details: err.details } : {}) }, unexpected: false };
  }
  const status = typeof err === 'object' && err !== null ? (err as { statusCode?: unknown }).statusCode : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = (err as { message?: unknown }).message;
    const text = status === 400 && isBadJson(err as object) ? 'malformed JSON body' : (REQUEST_ERRORS[status] ?? (typeof message === 'string' ? message : 'bad request'));
    return { status, body: { error: text }, unexpected: false };
  }
  return { status: 500, body: { error: 'internal server error' }, unexpected: true };
}
