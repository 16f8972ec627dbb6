/**
 * Input checks for writes: the object's keys must be writable fields, each value must fit its field's type, and
 * the model's schema (if any) must accept the whole object. Every problem is reported at once.
 *
 * @module
 */
import type { ModelDefinition, ModelObject } from './define.js';
import { cutDetails, ModelError, Problems } from './errors.js';
import { checkValue, fieldType, MAX_SERIAL } from './fields.js';
import { describeIssues } from './schema.js';
import { textProblem } from './values.js';
import { isPlainObject } from '../wire/json.js';
import { quoted } from '../wire/quote.js';


/** The fields of `input` a client may write, checked; throws `invalid` listing every problem. */
export function checkFields(def: ModelDefinition, input: unknown, what: 'create' | 'update'): ModelObject {
  if (!isPlainObject(input)) throw new ModelError('invalid', `${what}: the data must be a JSON object`);
  const problems = new Problems();
  for (const name of Object.keys(input)) {
    const type = fieldType(def.fields, name);
    if (type === undefined) problems.add(() => `${quoted(name)}: unknown field`);
    else if (type === 'key') problems.add(() => `${name}: assigned by the database`);
    else if (name === def.key && what === 'update') problems.add(() => `${name}: the key cannot change`);
    else {
      const problem = checkValue(type, input[name]);
      if (problem !== undefined) problems.add(() => `${name}: ${problem}`);
    }
  }
  // A key the client gives must be given: a NULL or empty key could never be found again.
  if (what === 'create' && def.keyType !== 'key') {
    const key = input[def.key];
    if (key === undefined || key === null || key === '') problems.add(() => `${def.key}: required`);
  }
  if (!problems.empty) throw new ModelError('invalid', `${what}: invalid data`, problems.list());
  return input;
}

/**
 * Runs the model's schema over the whole object; returns its output (a schema may transform or add defaults).
 * The output's fields that will be written (`writes`; all of them on create) must fit their types as input must;
 * fields an update leaves alone are not judged, so a row stored before a rule existed can still be updated.
 */
export async function checkSchema(def: ModelDefinition, object: ModelObject, what: 'create' | 'update', writes?: readonly string[]): Promise<ModelObject> {
  if (def.schema === undefined) return object;
  const result = await def.schema['~standard'].validate(object);
  if (result.issues !== undefined) throw new ModelError('invalid', `${what}: invalid data`, cutDetails(describeIssues(result.issues)));
  if (!isPlainObject(result.value)) throw new ModelError('invalid', `${what}: the schema did not produce an object`);
  // A schema may only shape the model's own fields, and what it gives must fit them as input must.
  const out: ModelObject = {};
  const problems = new Problems();
  for (const [name, given] of Object.entries(result.value)) {
    const type = fieldType(def.fields, name);
    if (type === undefined || type === 'key') continue;
    // A schema that coerces timestamps (z.coerce.date()) gives Dates.
    const value = type === 'timestamp' && given instanceof Date && !Number.isNaN(given.getTime()) ? given.toISOString() : given;
    const problem = value === undefined || (writes !== undefined && !writes.includes(name)) ? undefined : checkValue(type, value);
    if (problem !== undefined) problems.add(() => `${name}: ${problem} (as the schema gave it)`);
    out[name] = value;
  }
  if (!problems.empty) throw new ModelError('invalid', `${what}: invalid data`, problems.list());
  return out;
}

/** A key from the wire (a `#hash`, a URL segment, JSON) as the key field's type, or `undefined` if it cannot be one. */
export function parseKey(def: ModelDefinition, raw: unknown): string | number | undefined {
  // A text key no engine can store (U+0000, an unpaired surrogate) names no object.
  // A number names a text key by its digits; a double that is not what was sent (Infinity for 400 digits, 2^64's
  // neighbour) names none.
  if (def.keyType === 'text') {
    if (typeof raw === 'string') return raw !== '' && textProblem(raw) === undefined ? raw : undefined;
    return typeof raw === 'number' && Number.isFinite(raw) && (!Number.isInteger(raw) || Number.isSafeInteger(raw)) ? String(raw) : undefined;
  }
  const n = typeof raw === 'string' && /^-?\d{1,15}$/.test(raw.trim()) ? Number(raw) : raw;
  if (!Number.isSafeInteger(n)) return undefined;
  // A database-assigned key is a PostgreSQL serial: nothing outside 1..2^31-1 can exist.
  return def.keyType === 'key' && ((n as number) < 1 || (n as number) > MAX_SERIAL) ? undefined : (n as number);
}
