/**
 * Every WebSocket close code roomcast sends, in one place (the README's close-code table explains each).
 *
 * @module
 */

/** Close codes sent by the server. */
export const CloseCode = {
  /** Normal closure: the client asked, or (templar dialect, for compatibility) the client is not authorized or was idle. */
  Normal: 1000,
  /** The server is shutting down; reconnect (to another node) after a short delay. */
  GoingAway: 1001,
  /** The client broke the WebSocket protocol (RFC 6455): an unmasked frame, a bad fragment sequence, an invalid close code. */
  ProtocolError: 1002,
  /** A text message or close reason that is not valid UTF-8. */
  InvalidPayload: 1007,
  /** The client broke a policy, e.g. sent a binary frame where text is required. */
  PolicyViolation: 1008,
  /** A message (all its fragments together) larger than the configured `maxFrameBytes`. */
  MessageTooBig: 1009,
  /** An unexpected server error; reconnect with backoff. */
  InternalError: 1011,
  /** Not authorized (dialects other than templar, which keeps 1000). Do not reconnect until credentials change. */
  Unauthorized: 4001,
  /** Credentials expired or were revoked. */
  Forbidden: 4003,
  /** The client read too slowly: its outbound queue passed `maxQueueBytes`. Reconnect and refetch. */
  SlowConsumer: 4008,
  /** The client kept sending faster than `rateLimit` allows after being told. */
  RateLimited: 4029,
} as const;

/** A close code sent by roomcast. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Whether a client should reconnect after the server closed with `code`. Auth failures should not: reconnecting
 * would only hammer the backend's bootstrap with the same credentials.
 */
export function shouldReconnect(code: number): boolean {
  return code !== CloseCode.Unauthorized && code !== CloseCode.Forbidden && code !== CloseCode.PolicyViolation;
}
