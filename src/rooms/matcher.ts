/**
 * Room permissions: which rooms a connection may subscribe to, given the rooms its identity allows.
 *
 * Rule (high-templar dossier §1.8): a requested room R is allowed iff some allowed room A has exactly R's set of
 * keys and, for every key where the two differ, A's value is the string `"*"`. `"*"` widens permissions only:
 * it is never a wildcard on the requested side or on publish. Values compare by canonical text, so types matter.
 *
 * @module
 */
import { WILDCARD, type Room } from './room.js';
import { quote } from '../wire/canonical.js';

/** Decides subscriptions for one identity. Built once per connection; allowed rooms are de-duplicated. */
export interface RoomMatcher {
  /** The allowed rooms, de-duplicated, in the order first listed. */
  readonly allowed: readonly Room[];
  /** Whether `room` may be subscribed to. */
  allows(room: Room): boolean;
  /**
   * The most fields an allowed room has: a requested room with more can match none (the key sets must be equal), so
   * a dialect may refuse it without building its identity (a 64 KB room of 7,000 keys).
   */
  readonly maxFields: number;
}

/**
 * Indexes allowed rooms by key set, so a subscribe checks only the rooms with the same keys.
 *
 * @example
 * const m = createRoomMatcher([toRoom(parsed('{"location":"*"}'))!]);
 * m.allows(toRoom(parsed('{"location":"Delft"}'))!) // true
 */
export function createRoomMatcher(rooms: Iterable<Room>): RoomMatcher {
  const exact = new Set<string>();
  const allowed: Room[] = [];
  const byShape = new Map<string, Room[]>();
  let maxFields = 0;
  for (const room of rooms) {
    if (exact.has(room.key)) continue;
    exact.add(room.key);
    allowed.push(room);
    maxFields = Math.max(maxFields, room.fields.size);
    const shape = shapeOf(room);
    const list = byShape.get(shape);
    if (list === undefined) byShape.set(shape, [room]);
    else list.push(room);
  }
  return {
    allowed,
    maxFields,
    allows(room: Room): boolean {
      if (exact.has(room.key)) return true;
      const candidates = byShape.get(shapeOf(room));
      return candidates !== undefined && candidates.some((a) => covers(a, room));
    },
  };
}

function shapeOf(room: Room): string {
  // Field names are already sorted; NUL cannot be confused with a name boundary after JSON escaping.
  return [...room.fields.keys()].map(quote).join('\0');
}

function covers(allowed: Room, requested: Room): boolean {
  for (const [name, want] of requested.fields) {
    const have = allowed.fields.get(name);
    if (have !== want && have !== WILDCARD) return false;
  }
  return true;
}
