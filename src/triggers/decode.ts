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
  NotObject: 'body must be a JSON object {"rooms": [...], "data": ...}',
  RoomsNotList: 'rooms must be a list of room objects',
  BadRoom: 'every room must be a JSON object',
} as const;

/** A {@link TriggerError} text. */
export type TriggerErrorText = (typeof TriggerError)[keyof typeof TriggerError];

/** Decodes a trigger body; never throws. */
export function decodeTrigger(body: string): Trigger | { readonly error: TriggerErrorText } {
  const parsed = parseJson(body, { raw: true });
  if (!parsed.ok) return { error: TriggerError.NotJson };
  const value = parsed.value;
  if (parsed.raw === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: TriggerError.NotObject };
  }
  const listed = (value as Record<string, unknown>).rooms;
  if (listed === undefined) return { error: TriggerError.NoRooms };
  const data = parsed.raw.get('data');
  if (data === undefined) return { error: TriggerError.NoData };
  if (!Array.isArray(listed)) return { error: TriggerError.RoomsNotList };
  const rooms: Room[] = [];
  for (const element of listed) {
    const room = toRoom(element);
    if (room === undefined) return { error: TriggerError.BadRoom };
    rooms.push(room);
  }
  return { rooms, data };
}
