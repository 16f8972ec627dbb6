/**
 * The channels-binding dialect's pure codec: `{"event": "<stream>.<action>[#<hash>]", "data": …}` in both
 * directions (docs/protocols/binding.md; channels-binding research §2, §10). Replies echo the event string exactly
 * as received; errors are `{"event", "error", "code"}` in plain words, never a traceback. A frame that is not a
 * JSON object with a string `event` is answered `{"error", "code"}` (it has no event to echo) and the connection
 * stays open — channels-binding crashed the task on bad JSON and never answered.
 *
 * @example
 * decodeBinding('{"event": "auth.User.retrieve#5", "data": {}}');
 * // { kind: 'request', event: 'auth.User.retrieve#5', stream: 'auth.User', action: 'retrieve', hash: '5', data: {} }
 * renderReply('auth.User.retrieve#5', { id: 5 }); // '{"event":"auth.User.retrieve#5","data":{"id":5}}'
 *
 * @module
 */
import { JsonNumber, isJsonObject, MAX_JSON_DEPTH, parseJson, type JsonValue } from '../../wire/json.js';

/** The `code` of every error frame, so clients need not parse the text. */
export const BindingErrorCode = {
  /** The frame is not JSON, not an object, or has no string `event` (no `event` in the reply). */
  BadFrame: 'bad-frame',
  /** Nothing handles this `<stream>.<action>`: `"No binding found for <event>"`, channels-binding's string. */
  NoBinding: 'no-binding',
  /** No such object, or one the connection may not read (the two are not told apart). */
  NotFound: 'not-found',
  /** The connection may read the object but not do this. */
  Forbidden: 'forbidden',
  /** The data does not fit (a missing key, unknown fields, a failed schema); `details` lists each problem. */
  Invalid: 'invalid',
  /** The key is already taken. */
  Conflict: 'conflict',
  /** A subscribe to one object whose key is longer than `maxRoomBytes` (the server would hold it while subscribed). */
  KeyTooLarge: 'key-too-large',
  /** The connection holds `maxSubscriptions` subscriptions already. */
  TooManySubscriptions: 'too-many-subscriptions',
  /** The frame was dropped by the rate limit (no `event`: it was not read). */
  RateLimited: 'rate-limited',
  /** The connection is not authorized, or anonymous where anonymous connections are not allowed; it is closed (4001). */
  Unauthorized: 'unauthorized',
  /** A handler failed; the cause is logged on the server, never sent. */
  Internal: 'internal',
} as const;

/** An error frame's code. */
export type BindingErrorCode = (typeof BindingErrorCode)[keyof typeof BindingErrorCode];

/** A request's data: an object (without prototype, so `__proto__` is a plain key) or an array. */
export type BindingData = Record<string, unknown> | unknown[];

/** A decoded request. */
export interface BindingRequest {
  readonly kind: 'request';
  /** The event as received, echoed in replies. */
  readonly event: string;
  /** Everything before the last dot of the event (before the `#`, trimmed): `auth.User`. */
  readonly stream: string;
  /** The last dot segment: `retrieve`. */
  readonly action: string;
  /** Everything after the first `#`, trimmed; `undefined` when absent or empty. */
  readonly hash: string | undefined;
  /** `data` when it is an object or an array, else `{}` (as channels-binding does). */
  readonly data: BindingData;
}

/** A decoded client frame: a request to dispatch, or an error frame to send back. */
export type BindingCommand = BindingRequest | { readonly kind: 'error'; readonly reply: string };

/** The parts of an event string. */
export interface EventParts {
  readonly stream: string;
  readonly action: string;
  readonly hash: string | undefined;
}

/** Splits `<stream>.<action>[#<hash>]`: the stream may hold dots, the action is the last dot segment. */
export function parseEvent(event: string): EventParts {
  const at = event.indexOf('#');
  const name = (at === -1 ? event : event.slice(0, at)).trim();
  const hash = at === -1 ? '' : event.slice(at + 1).trim();
  const dot = name.lastIndexOf('.');
  return { stream: dot === -1 ? '' : name.slice(0, dot), action: name.slice(dot + 1), hash: hash === '' ? undefined : hash };
}

/** Decodes one text frame. Never throws. */
export function decodeBinding(frame: string): BindingCommand {
  const parsed = parseJson(frame);
  if (!parsed.ok && parsed.reason === 'depth') return badFrame(`JSON nested deeper than ${MAX_JSON_DEPTH} levels (at character ${parsed.at})`);
  if (!parsed.ok) return badFrame(`Invalid JSON: ${parsed.error} at character ${parsed.at}`);
  const msg = parsed.value;
  if (!isJsonObject(msg)) return badFrame('A message must be a JSON object: {"event": "<stream>.<action>", "data": {…}}');
  const event = msg.event;
  if (event === undefined) return badFrame("Missing required field 'event'");
  if (typeof event !== 'string') return badFrame("Field 'event' must be a string");
  const data = msg.data;
  const plainData = Array.isArray(data) || isJsonObject(data) ? (plain(data) as BindingData) : (Object.create(null) as Record<string, unknown>);
  return { kind: 'request', event, ...parseEvent(event), data: plainData };
}

/**
 * The data as model code expects it: exact-number wrappers become numbers (the parser keeps `1.5` and integers
 * beyond 2^53 as {@link JsonNumber}; fields take JS numbers). In place: the parsed value is the decoder's own, and
 * a copy built every object again (a second 7,000-key object for a 64 KB frame of keys).
 */
function plain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return value.value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as JsonValue;
      if (typeof v === 'object' && v !== null) value[i] = plain(v) as JsonValue;
    }
  } else if (isJsonObject(value)) {
    for (const key in value) {
      const v = value[key] as JsonValue;
      if (typeof v === 'object' && v !== null) value[key] = plain(v) as JsonValue;
    }
  }
  return value;
}

function badFrame(message: string): BindingCommand {
  return { kind: 'error', reply: renderError(undefined, message, BindingErrorCode.BadFrame) };
}

/** `{"event": event, "data": data}` (`undefined` data is `null`), or `undefined` when data is not serializable. */
export function renderReply(event: string, data: unknown): string | undefined {
  try {
    const json = JSON.stringify(data === undefined ? null : data);
    return json === undefined ? undefined : `{"event":${JSON.stringify(event)},"data":${json}}`;
  } catch {
    // A cycle or a BigInt in handler data: the caller answers with an internal error.
    return undefined;
  }
}

/** `{"event", "error", "code", "details"}`: `event` when known, `details` when there are any. */
export function renderError(event: string | undefined, error: string, code: BindingErrorCode, details: readonly string[] = []): string {
  return JSON.stringify({ ...(event !== undefined ? { event } : {}), error, code, ...(details.length > 0 ? { details } : {}) });
}
