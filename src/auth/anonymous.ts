/**
 * Lets everyone in, with a fixed set of allowed rooms. For development, demos and public rooms.
 *
 * @module
 */
import { createRoomMatcher } from '../rooms/matcher.js';
import { roomOf, type Room } from '../rooms/room.js';
import type { AuthStrategy } from './strategy.js';

/**
 * Creates a strategy that authorizes every connection with the same rooms.
 *
 * @example
 * createAnonymousAuth([{ location: '*' }])
 */
export function createAnonymousAuth(allowedRooms: readonly Record<string, unknown>[] = []): AuthStrategy {
  const rooms: Room[] = allowedRooms.map((r) => {
    const room = roomOf(r);
    if (room === undefined) throw new TypeError(`not a room: ${JSON.stringify(r)}`);
    return room;
  });
  const identity = { user: null, rooms: createRoomMatcher(rooms) };
  return async () => ({ kind: 'allowed', identity });
}
