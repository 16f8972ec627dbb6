/**
 * Decodes a trigger body `{"rooms":[{…},…],"data":<any JSON>}` — the same body for django-binder's HTTP
 * `POST /trigger/` and its AMQP message (high-templar dossier §1.10–1.11, §2.1). Pure.
 *
 * A trigger is all or nothing: one malformed room rejects the whole trigger (nothing half-published). `data` is
 * kept as the exact JSON text received.
 *
 * @module
 */
import { toRoom, type Room } from '../rooms/room.js';
import { parseJson } from '../wire/json.js';
import { parseMembers } from '../wire/members.js';

/** A decoded trigger. */
export interface Trigger {
  readonly rooms: readonly Room[];
  /** The `data` member's JSON text, verbatim. */
  readonly data: string;
}

/** Why a trigger was rejected. The first two are high-templar 2.x's exact reply texts. */
export const TriggerError = {
  NoRooms: 'rooms not specified',
  NoData: 'data not specified',
  NotJson: 'body is not valid JSON',
  TooDeep: 'body is nested deeper than 64 levels',
  NotObject: 'body must be a JSON object {"rooms": [...], "data": ...}',
  RoomsNotList: 'rooms must be a list of room objects',
  BadRoom: 'every room must be a JSON object',
} as const;

/** A {@link TriggerError} text. */
export type TriggerErrorText = (typeof TriggerError)[keyof typeof TriggerError];

/**
 * Rooms by the text of a trigger's `rooms`: apps publish to the same rooms over and over, and a room's canonical
 * form (sorted, type-exact) is the same every time. Bounded in entries and in the text kept per entry.
 */
const cached = new Map<string, readonly Room[]>();
const CACHE_LIMIT = 1024;
const CACHED_TEXT_LIMIT = 1024;

/** Decodes a trigger body; never throws. */
export function decodeTrigger(body: string): Trigger | { readonly error: TriggerErrorText } {
  // The body is validated and split natively; only the rooms are parsed exactly (their numbers' lexemes are part
  // of their identity), and `data` is never parsed into values at all.
  const parsed = parseMembers(body);
  if (!parsed.ok) return { error: parsed.reason === 'depth' ? TriggerError.TooDeep : TriggerError.NotJson };
  const raw = parsed.raw;
  if (raw === undefined) return { error: TriggerError.NotObject };
  const listed = raw.get('rooms');
  if (listed === undefined) return { error: TriggerError.NoRooms };
  const data = raw.get('data');
  if (data === undefined) return { error: TriggerError.NoData };
  const known = cached.get(listed);
  if (known !== undefined) return { rooms: known, data };
  const rooms = decodeRooms(listed);
  if (typeof rooms === 'string') return { error: rooms };
  if (listed.length <= CACHED_TEXT_LIMIT) {
    if (cached.size >= CACHE_LIMIT) cached.clear();
    cached.set(listed, rooms);
  }
  return { rooms, data };
}

/** A trigger's rooms from their JSON text (valid JSON), exactly. */
function decodeRooms(listed: string): readonly Room[] | TriggerErrorText {
  const exact = parseJson(listed);
  if (!exact.ok || !Array.isArray(exact.value)) return TriggerError.RoomsNotList;
  const rooms: Room[] = [];
  for (const element of exact.value) {
    const room = toRoom(element);
    if (room === undefined) return TriggerError.BadRoom;
    rooms.push(room);
  }
  return rooms;
}
