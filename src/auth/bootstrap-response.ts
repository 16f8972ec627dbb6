/**
 * How a backend's bootstrap answer becomes an auth result: high-templar 3.1's outcome table (dossier §1.3),
 * except that answers it crashed on fail fast with a documented HTTP status (docs/protocols/templar.md §Auth).
 * Its `allowed_rooms` rules are shared with JWT claims (`allowed-rooms.ts`). Pure.
 *
 * @module
 */
import type { AuthResult } from './strategy.js';
import type { HttpGetResponse } from './http-get.js';
import { createRoomMatcher } from '../rooms/matcher.js';
import type { Room } from '../rooms/room.js';
import { isJsonObject, parseJson, type JsonObject, type JsonValue } from '../wire/json.js';
import { checkAllowedRooms } from './allowed-rooms.js';

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
  const user = body.user ?? null;
  const checked = checkAllowedRooms(body.allowed_rooms);
  if ('denied' in checked) return { kind: 'denied', reason: `bootstrap ${checked.denied}` };
  if ('malformed' in checked) return malformed(`bootstrap ${checked.malformed}`);
  return allowed(checked.rooms, user);
}

function allowed(rooms: Room[], user: JsonValue): AuthResult {
  return { kind: 'allowed', identity: { user, rooms: createRoomMatcher(rooms) } };
}

function malformed(reason: string): AuthResult {
  return { kind: 'failed', status: BootstrapStatus.BadGateway, reason };
}
