/**
 * The templar dialect's pure codec: client frames to commands, and every reply frame, byte for byte as
 * high-templar 3.1 sends them (docs/protocols/templar.md; dossier §1.4). Frames high-templar crashed on get an
 * error reply here instead.
 *
 * @module
 */
import { canonicalJson, hasCanonicalText } from '../../wire/canonical.js';
import { isJsonObject, JsonNumber, parseJson, type JsonValue } from '../../wire/json.js';
import { toRoom, type Room } from '../../rooms/room.js';
import type { RoomMatcher } from '../../rooms/matcher.js';

/** Every error string the templar dialect sends. The first five are high-templar's own. */
export const TemplarError = {
  NonJson: 'non-json-message',
  TypeNotAllowed: 'message-type-not-allowed',
  NoRequestId: 'no-request-id',
  RoomNotFound: 'room-not-found',
  NotSubscribed: 'not-subscribed',
  /** roomcast: JSON nested deeper than 64 levels (arrays and objects); high-templar read any depth. */
  TooDeep: 'nested-deeper-than-64-levels',
  /** roomcast: `room` missing, not an object, or holding a number JSON cannot carry. */
  InvalidRoom: 'invalid-room',
  /** roomcast: `requestId` is an object or an array. */
  InvalidRequestId: 'invalid-request-id',
  /** roomcast: the room's canonical text is longer than `maxRoomBytes`. */
  RoomTooLarge: 'room-too-large',
  /** roomcast: the `requestId`'s text is longer than `maxRoomBytes` (every publish to the subscription carries it). */
  RequestIdTooLarge: 'request-id-too-large',
  /** roomcast: the connection reached `maxSubscriptions`. */
  TooManySubscriptions: 'too-many-subscriptions',
  /** roomcast: the message was dropped by the per-connection rate limit. */
  RateLimited: 'rate-limited',
  /** roomcast: `status` is disabled on this server. */
  StatusDisabled: 'status-disabled',
} as const;

/** An error string of {@link TemplarError}. */
export type TemplarErrorCode = (typeof TemplarError)[keyof typeof TemplarError];

/** A decoded client frame. */
export type TemplarCommand =
  | { readonly kind: 'ping' }
  | { readonly kind: 'status' }
  | { readonly kind: 'subscribe'; readonly room: Room; readonly requestId: string }
  | { readonly kind: 'unsubscribe'; readonly requestId: string }
  /** `generic` errors carry the connection's id as requestId (high-templar's quirk); others carry no id. */
  | { readonly kind: 'error'; readonly error: TemplarErrorCode; readonly generic: boolean };

const generic = (error: TemplarErrorCode): TemplarCommand => ({ kind: 'error', error, generic: true });
const specific = (error: TemplarErrorCode): TemplarCommand => ({ kind: 'error', error, generic: false });

/** Options of {@link decodeTemplar}. */
export interface DecodeOptions {
  /**
   * The most fields an allowed room has ({@link RoomMatcher.maxFields}): a room with more is refused with
   * `room-not-found` without building its identity, as the matcher would refuse it (sorting and writing the keys of a
   * 64 KB room of 7,000 keys cost 1.3 ms of its 4.5 ms). @default no limit
   */
  readonly maxRoomFields?: number;
}

/**
 * Decodes one client frame. `requestId` comes back as canonical JSON text (it is echoed verbatim in publishes,
 * whatever its JSON type). Never throws.
 */
export function decodeTemplar(frame: string, options: DecodeOptions = {}): TemplarCommand {
  if (frame === 'ping') return { kind: 'ping' };
  const parsed = parseJson(frame);
  if (!parsed.ok) return generic(parsed.reason === 'depth' ? TemplarError.TooDeep : TemplarError.NonJson);
  const msg = parsed.value;
  if (!isJsonObject(msg)) return generic(TemplarError.TypeNotAllowed);
  switch (msg.type) {
    case 'status':
      return { kind: 'status' };
    case 'subscribe': {
      // high-templar's order: the room is parsed first, then the requestId checked, then permission.
      const max = options.maxRoomFields;
      if (max !== undefined && isJsonObject(msg.room) && hasMoreKeys(msg.room, max)) {
        if (!hasCanonicalText(msg.room)) return specific(TemplarError.InvalidRoom);
        const requestId = requestIdText(msg.requestId);
        return specific(typeof requestId === 'string' ? TemplarError.RoomNotFound : requestId.error);
      }
      const room = msg.room === undefined ? undefined : toRoom(msg.room);
      if (room === undefined) return specific(TemplarError.InvalidRoom);
      const requestId = requestIdText(msg.requestId);
      if (typeof requestId !== 'string') return specific(requestId.error);
      return { kind: 'subscribe', room, requestId };
    }
    case 'unsubscribe': {
      const requestId = requestIdText(msg.requestId);
      if (typeof requestId !== 'string') return specific(requestId.error);
      return { kind: 'unsubscribe', requestId };
    }
    default:
      return generic(TemplarError.TypeNotAllowed);
  }
}

/** Whether `object` has more than `max` keys (for-in still lists a dictionary object's keys first: 1 ms for 7,000). */
function hasMoreKeys(object: object, max: number): boolean {
  let n = 0;
  for (const _ in object) if (++n > max) return true;
  return false;
}

function requestIdText(value: JsonValue | undefined): string | { error: TemplarErrorCode } {
  if (value === undefined || value === null) return { error: TemplarError.NoRequestId };
  if (typeof value === 'object' && !(value instanceof JsonNumber)) return { error: TemplarError.InvalidRequestId };
  return canonicalJson(value) ?? { error: TemplarError.InvalidRequestId };
}

/** `{"code":"success"}` */
export const SUCCESS = '{"code":"success"}';

/** An error reply; `connectionId` is set for the generic errors. */
export function renderError(error: TemplarErrorCode, connectionId?: string): string {
  return connectionId === undefined
    ? `{"code":"error","message":${JSON.stringify(error)}}`
    : `{"requestId":${JSON.stringify(connectionId)},"code":"error","message":${JSON.stringify(error)}}`;
}

/** The greeting of an authorized connection; `rooms` are canonical room texts. */
export function renderGreeting(rooms: readonly Room[]): string {
  return `{"is_authorized":true,"allowed_rooms":[${rooms.map((r) => r.key).join(',')}]}`;
}

/** The only frame an unauthorized connection gets before close 1000. */
export const DENIED = '{"is_authorized":false}';

/** The head of a publish frame; each subscription appends {@link publishTail} of its requestId. */
export function renderPublishHead(data: string): string {
  return `{"type":"publish","data":${data},"requestId":`;
}

/** A subscription's end of every publish frame it receives. */
export function publishTail(requestId: string): string {
  return `${requestId}}`;
}

/** The `status` reply fields, in high-templar's order (dossier §1.7). */
export interface TemplarStatus {
  readonly open_connections: number;
  readonly num_rooms: number;
  readonly online_since: string;
  readonly rabbitmq_messages_received: number;
  readonly ws_messages_received: number;
  readonly ws_messages_send: number;
  readonly ws_messages_send_error: number;
  readonly ws_messages_send_queued: number;
  /** roomcast: the cross-node layer, e.g. `{"kind":"redis","ok":true,"detail":"…"}`. */
  readonly layer: { readonly kind: string; readonly ok: boolean; readonly detail?: string };
}

/** high-templar's `online_since`: naive local time with microseconds, e.g. `2026-07-17T10:11:12.123000`. */
export function naiveLocalIso(date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}` +
    `T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}.${p(date.getMilliseconds(), 3)}000`
  );
}
