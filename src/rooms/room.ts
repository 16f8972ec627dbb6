/**
 * Rooms: a flat JSON object such as `{"location":"Delft"}`. Its identity is its canonical JSON (sorted keys,
 * type-sensitive numbers), so key order never matters and `1`, `1.0`, `"1"` and `true` are four rooms
 * (high-templar dossier §1.8).
 *
 * @module
 */
import { canonicalJson, quote, sortedKeys } from '../wire/canonical.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../wire/json.js';

/** A room with its canonical identity. */
export interface Room {
  /** Canonical JSON text of the room: equal rooms have equal keys. */
  readonly key: string;
  /** Each field's canonical value text, fields in code-point order. */
  readonly fields: ReadonlyMap<string, string>;
}

/** The text of a `"*"` value, the wildcard of allowed rooms. */
export const WILDCARD = '"*"';

/** Makes a room from a parsed value; `undefined` when it is not an object or holds an unrepresentable number. */
export function toRoom(value: JsonValue): Room | undefined {
  if (!isJsonObject(value)) return undefined;
  return roomFromObject(value);
}

function roomFromObject(value: JsonObject): Room | undefined {
  const names = sortedKeys(value);
  const fields = new Map<string, string>();
  const parts: string[] = [];
  for (const name of names) {
    const text = canonicalJson(value[name] as JsonValue);
    if (text === undefined) return undefined;
    fields.set(name, text);
    parts.push(`${quote(name)}:${text}`);
  }
  return { key: `{${parts.join(',')}}`, fields };
}

/**
 * A room from a value of app code (`{ location: 'Delft' }`), through its JSON form, as a client's room would
 * arrive; `undefined` when it is not a flat object of representable values.
 * @throws TypeError when the value cannot be serialized (a BigInt, a cycle)
 */
export function roomOf(value: unknown): Room | undefined {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : toRoom(JSON.parse(text) as JsonValue);
}

/** The hub group a room's subscribers join. */
export function roomGroup(room: Room): string {
  return `room:${room.key}`;
}

/** The group of a room given by its canonical key. */
export function roomKeyGroup(key: string): string {
  return `room:${key}`;
}
