/**
 * The one validator of an `allowed_rooms` value, whether a backend's bootstrap answered it or a JWT claims it:
 * high-templar 3.1's rules (dossier §1.3). Absent is no rooms; a list of room objects (or of `[key, value]` pairs,
 * as Python's `dict(pairs)` takes them) is those rooms; anything else is refused, and the verdict says whether
 * high-templar treated it as "not authorized" (`denied`) or crashed on it (`malformed`). Pure.
 *
 * @example
 * checkAllowedRooms([{ location: 'Delft' }]); // { rooms: [Room {"location":"Delft"}] }
 * checkAllowedRooms('x');                     // { denied: 'allowed_rooms is not a list' }
 * checkAllowedRooms(null);                    // { malformed: 'allowed_rooms is null' }
 *
 * @module
 */
import { toRoom, type Room } from '../rooms/room.js';
import type { JsonObject, JsonValue } from '../wire/json.js';

/** The rooms of an `allowed_rooms` value, or why it is refused (the reason is safe to show and to log). */
export type AllowedRoomsCheck =
  | { readonly rooms: Room[] }
  /** high-templar answered such a value "not authorized". */
  | { readonly denied: string }
  /** high-templar crashed on such a value: a bootstrap answering it is broken (502). */
  | { readonly malformed: string };

/** Validates an `allowed_rooms` value (`undefined`: absent). */
export function checkAllowedRooms(listed: JsonValue | readonly JsonValue[] | undefined): AllowedRoomsCheck {
  if (listed === undefined) return { rooms: [] };
  if (listed === null) return { malformed: 'allowed_rooms is null' };
  if (!Array.isArray(listed)) return { denied: 'allowed_rooms is not a list' };
  const rooms: Room[] = [];
  for (const element of listed) {
    // high-templar treats a string element as "not parseable": the connection is unauthorized (its own test).
    if (typeof element === 'string') return { denied: 'allowed_rooms holds a string' };
    const room = toRoom(pairsToObject(element) ?? element);
    if (room === undefined) return { malformed: 'allowed_rooms holds an element that is not a room object' };
    rooms.push(room);
  }
  return { rooms };
}

/** high-templar accepts a list of `[key, value]` pairs as a room (Python `dict(pairs)`); so do we. */
function pairsToObject(value: JsonValue): JsonObject | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const obj = Object.create(null) as JsonObject;
  for (const pair of value) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') return undefined;
    obj[pair[0]] = pair[1] as JsonValue;
  }
  return obj;
}
