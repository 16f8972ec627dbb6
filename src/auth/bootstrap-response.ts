/**
 * How a backend's bootstrap answer becomes an auth result: high-templar 3.1's outcome table (dossier §1.3),
 * except that answers it crashed on fail fast with a documented HTTP status (docs/protocols/templar.md §Auth).
 * Pure.
 *
 * @module
 */
import type { AuthResult } from './strategy.js';
import type { HttpGetResponse } from './http-get.js';
import { createRoomMatcher } from '../rooms/matcher.js';
import { toRoom, type Room } from '../rooms/room.js';
import { isJsonObject, parseJson, type JsonObject, type JsonValue } from '../wire/json.js';

/** HTTP statuses an upgrade fails with when the backend cannot decide. */
export const BootstrapStatus = {
  /** Backend unreachable, or its answer is not what a bootstrap returns. */
  BadGateway: 502,
  /** Backend did not answer within `timeoutMs`. */
  Timeout: 504,
} as const;

/** Interprets a bootstrap response. */
export function interpretBootstrap(response: HttpGetResponse): AuthResult {
  if (response.status !== 200) return { kind: 'denied', reason: `bootstrap answered ${response.status}` };
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(response.contentType.trim())) {
    return malformed(`bootstrap answered 200 with content type "${response.contentType}", not JSON`);
  }
  const parsed = parseJson(response.body);
  if (!parsed.ok) return malformed(`bootstrap body is not JSON (${parsed.error} at ${parsed.at})`);
  if (!isJsonObject(parsed.value)) return malformed('bootstrap body is not a JSON object');
  const body: JsonObject = parsed.value;
  const listed = body.allowed_rooms;
  const user = body.user ?? null;
  if (listed === undefined) return allowed([], user);
  if (listed === null) return malformed('bootstrap allowed_rooms is null');
  if (!Array.isArray(listed)) return { kind: 'denied', reason: 'bootstrap allowed_rooms is not a list' };
  const rooms: Room[] = [];
  for (const element of listed) {
    // high-templar treats a string element as "not parseable": the connection is unauthorized (its own test).
    if (typeof element === 'string') return { kind: 'denied', reason: 'bootstrap allowed_rooms holds a string' };
    const room = toRoom(pairsToObject(element) ?? element);
    if (room === undefined) return malformed('bootstrap allowed_rooms holds an element that is not a room object');
    rooms.push(room);
  }
  return allowed(rooms, user);
}

function allowed(rooms: Room[], user: JsonValue): AuthResult {
  return { kind: 'allowed', identity: { user, rooms: createRoomMatcher(rooms) } };
}

function malformed(reason: string): AuthResult {
  return { kind: 'failed', status: BootstrapStatus.BadGateway, reason };
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
