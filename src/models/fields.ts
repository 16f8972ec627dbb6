/**
 * A model's fields: each column's type, which decides its SQL type, how values are stored and read back (SQLite
 * has no booleans or JSON), which filters apply, and the OpenAPI schema. Pure: no database here.
 *
 * @module
 */
import { jsonProblem, parseTimestamp, textProblem } from './values.js';

/** A column type. `key` is an auto-incrementing integer primary key. */
export type FieldType = 'key' | 'text' | 'integer' | 'number' | 'boolean' | 'json' | 'timestamp';

/** Field name → type. Only these columns are ever read, written, filtered or ordered by. */
export type Fields = Readonly<Record<string, FieldType>>;

/** The SQL engines a store may run on. */
export type SqlEngine = 'sqlite' | 'postgres';

export const FIELD_TYPES: readonly FieldType[] = ['key', 'text', 'integer', 'number', 'boolean', 'json', 'timestamp'];

/** A valid SQL identifier for tables and columns (no quoting games). */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * The type of field `name`, or `undefined` when there is none. Names come from clients: a plain `fields[name]`
 * would find `constructor` or `toString` on Object.prototype and let them through as columns.
 */
export const fieldType = (fields: Fields, name: string): FieldType | undefined => (Object.hasOwn(fields, name) ? fields[name] : undefined);

/** The SQL column type of a field, per engine. */
export function sqlType(type: FieldType, engine: SqlEngine): string {
  switch (type) {
    case 'key':
      return engine === 'postgres' ? 'serial' : 'integer';
    case 'text':
      return 'text';
    case 'integer':
      return engine === 'postgres' ? 'bigint' : 'integer';
    case 'number':
      return engine === 'postgres' ? 'double precision' : 'real';
    case 'boolean':
      return engine === 'postgres' ? 'boolean' : 'integer';
    case 'json':
      return engine === 'postgres' ? 'jsonb' : 'text';
    case 'timestamp':
      return engine === 'postgres' ? 'timestamptz' : 'text';
  }
}

/** Why `value` does not fit `type`, or `undefined` when it does. `null` fits every type but `key`. */
export function checkValue(type: FieldType, value: unknown): string | undefined {
  if (value === null) return type === 'key' ? 'must not be null' : undefined;
  switch (type) {
    case 'key':
      // A PostgreSQL serial is a 32-bit integer.
      return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_SERIAL ? undefined : `must be an integer from 1 to ${MAX_SERIAL}`;
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : 'must be an integer';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'text':
      return typeof value === 'string' ? textProblem(value) : 'must be a string';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'json':
      return jsonProblem(value);
    case 'timestamp': {
      const parsed = parseTimestamp(value);
      return 'error' in parsed ? parsed.error : undefined;
    }
  }
}

/** The largest database-assigned key (PostgreSQL `serial`). */
export const MAX_SERIAL = 2_147_483_647;

/** A JSON value as the engine stores it. */
export function toColumn(type: FieldType, value: unknown, engine: SqlEngine): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'boolean' && engine === 'sqlite') return value === true ? 1 : 0;
  if (type === 'json') return JSON.stringify(value);
  if (type === 'timestamp') {
    // Checked before it gets here (checkValue); the same parse gives the one stored form.
    const parsed = parseTimestamp(value);
    return 'iso' in parsed ? parsed.iso : value;
  }
  return value;
}

/** A stored value as JSON (pg has already parsed `jsonb`; SQLite keeps JSON as text). */
export function fromColumn(type: FieldType, value: unknown, engine: SqlEngine): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'boolean':
      return value === true || value === 1 || value === '1';
    case 'json':
      return engine === 'sqlite' && typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
    case 'timestamp':
      return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
    case 'key':
    case 'integer':
      // pg returns bigint columns as strings.
      return typeof value === 'string' ? Number(value) : value;
    default:
      return value;
  }
}

/** A row read from the database, as JSON, with exactly the model's fields. */
export function decodeRow(fields: Fields, row: Readonly<Record<string, unknown>>, engine: SqlEngine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(fields)) out[name] = fromColumn(type, row[name], engine);
  return out;
}

/** A JSON object's model fields as column values; other keys are left out. */
export function encodeRow(fields: Fields, data: Readonly<Record<string, unknown>>, engine: SqlEngine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) {
    const type = fieldType(fields, name);
    if (type !== undefined && value !== undefined) out[name] = toColumn(type, value, engine);
  }
  return out;
}
