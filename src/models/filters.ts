/**
 * Filters and ordering, decoded from JSON (a search request, a REST query, a permission rule) into conditions that
 * run both as SQL (through Kysely) and in JS (to decide who may see a change). Decoding is pure and total: any
 * JSON gives a filter or a clear error, never an exception.
 *
 * A filter is an object of `field: value` (equality; `null` matches NULL) or `field: {op: value}` with op one of
 * `eq ne lt lte gt gte in contains` (JSON fields cannot be filtered); several fields must all match; `"$or": [filter, …]` matches when any does.
 * A filter holds at most {@link FILTER_LIMITS}: SQLite's cost grows with the square of the `$or` branches (999
 * branches, an 8 KB search frame, took 48 ms) and it refuses 1,000 (an internal error).
 *
 * @module
 */
import { checkValue, fieldType, MAX_SERIAL, type Fields, type FieldType } from './fields.js';
import { parseTimestamp, textProblem } from './values.js';
import { isPlainObject } from '../wire/json.js';
import { quoted } from '../wire/quote.js';

export type Operator = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'contains';
const OPERATORS: readonly Operator[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains'];

/** The most `$or` branches and compared values (each condition one, each value of an `in` list one) in one filter, nested ones included. */
export const FILTER_LIMITS = { branches: 100, values: 1000 } as const;

/** One decoded condition. */
export type Condition =
  | { readonly field: string; readonly type: FieldType; readonly op: Operator; readonly value: unknown }
  | { readonly any: readonly (readonly Condition[])[] };

/** All must hold. */
export type Filter = readonly Condition[];

/** One sort key. */
export interface OrderKey {
  readonly field: string;
  readonly descending: boolean;
}


/** Decodes a filter object against the model's fields. */
export function decodeFilter(json: unknown, fields: Fields): { filter: Filter } | { error: string } {
  return decodeLevel(json, fields, 0, { branches: 0, values: 0 });
}

/** What a filter has used of {@link FILTER_LIMITS} so far: decoding stops at the first branch or value past them. */
interface Used {
  branches: number;
  values: number;
}

function decodeLevel(json: unknown, fields: Fields, depth: number, used: Used): { filter: Filter } | { error: string } {
  if (json === undefined || json === null) return { filter: [] };
  if (!isPlainObject(json)) return { error: 'filters must be an object' };
  if (depth > 4) return { error: 'filters nest too deep' };
  const out: Condition[] = [];
  for (const [field, spec] of Object.entries(json)) {
    if (field === '$or') {
      if (!Array.isArray(spec) || spec.length === 0) return { error: '$or must be a non-empty list of filters' };
      const any: Filter[] = [];
      used.branches += spec.length;
      if (used.branches > FILTER_LIMITS.branches) return { error: `filters hold more than ${FILTER_LIMITS.branches} $or branches` };
      for (const branch of spec) {
        const decoded = decodeLevel(branch, fields, depth + 1, used);
        if ('error' in decoded) return decoded;
        any.push(decoded.filter);
      }
      out.push({ any });
      continue;
    }
    const type = fieldType(fields, field);
    if (type === undefined) return { error: `unknown field '${quoted(field)}'` };
    if (type === 'json') return { error: `cannot filter on JSON field '${field}'` };
    const ops: [string, unknown][] = isPlainObject(spec) ? Object.entries(spec) : [['eq', spec]];
    if (ops.length === 0) return { error: `${field}: empty condition` };
    for (const [op, value] of ops) {
      if (!OPERATORS.includes(op as Operator)) return { error: `${field}: unknown operator '${quoted(op)}' (use ${OPERATORS.join(', ')})` };
      const problem = checkOperand(field, type, op as Operator, value);
      if (problem !== undefined) return { error: problem };
      used.values += op === 'in' ? (value as unknown[]).length : 1;
      if (used.values > FILTER_LIMITS.values) return { error: `filters compare more than ${FILTER_LIMITS.values} values` };
      out.push({ field, type, op: op as Operator, value: normalize(type, value) });
    }
  }
  return { filter: out };
}

/** A filter may compare a key with any 32-bit integer (`{id: {gt: 0}}`); other values as the field takes them. */
function checkFilterValue(type: FieldType, value: unknown): string | undefined {
  if (type !== 'key' || value === null) return checkValue(type, value);
  return Number.isSafeInteger(value) && Math.abs(value as number) <= MAX_SERIAL ? undefined : `must be an integer from -${MAX_SERIAL} to ${MAX_SERIAL}`;
}

/** Timestamps compare as ISO strings in UTC, whatever form the filter gave (checked already). */
function normalize(type: FieldType, value: unknown): unknown {
  if (type !== 'timestamp') return value;
  const one = (v: unknown): unknown => {
    const parsed = parseTimestamp(v);
    return 'iso' in parsed ? parsed.iso : v;
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

function checkOperand(field: string, type: FieldType, op: Operator, value: unknown): string | undefined {
  if (op === 'in') {
    if (!Array.isArray(value) || value.length > 1000) return `${field}: 'in' takes a list of at most 1000 values`;
    for (const v of value) {
      const p = checkFilterValue(type, v);
      if (p !== undefined) return `${field}: ${p}`;
    }
    return undefined;
  }
  if (op === 'contains') {
    if (type !== 'text' || typeof value !== 'string') return `${field}: 'contains' takes a string on a text field`;
    const p = textProblem(value);
    return p === undefined ? undefined : `${field}: ${p}`;
  }
  if (value === null && op !== 'eq' && op !== 'ne') return `${field}: null only compares with eq and ne`;
  const p = checkFilterValue(type, value);
  return p === undefined ? undefined : `${field}: ${p}`;
}

/** Decodes `"field"`, `"-field"` or a list of them; unknown fields are errors. */
export function decodeOrder(json: unknown, fields: Fields): { order: OrderKey[] } | { error: string } {
  if (json === undefined || json === null || json === '') return { order: [] };
  const list = typeof json === 'string' ? json.split(',') : json;
  if (!Array.isArray(list) || list.length > 8) return { error: 'order must be a field name, "-field" for descending, or a list of them' };
  const order: OrderKey[] = [];
  for (const item of list) {
    if (typeof item !== 'string') return { error: 'order must be a field name, "-field" for descending, or a list of them' };
    const trimmed = item.trim();
    const descending = trimmed.startsWith('-');
    const field = descending ? trimmed.slice(1) : trimmed;
    const type = fieldType(fields, field);
    if (type === undefined) return { error: `cannot order by unknown field '${quoted(field)}'` };
    if (type === 'json') return { error: `cannot order by JSON field '${field}'` };
    order.push({ field, descending });
  }
  return { order };
}

/** Whether a row (as JSON) satisfies every condition. */
export function matches(filter: Filter, row: Readonly<Record<string, unknown>>): boolean {
  return filter.every((c) => ('any' in c ? c.any.some((branch) => matches(branch, row)) : holds(c.op, row[c.field], c.value)));
}

function holds(op: Operator, actual: unknown, expected: unknown): boolean {
  switch (op) {
    case 'eq':
      return equal(actual, expected);
    case 'ne':
      return !equal(actual, expected);
    case 'in':
      return (expected as unknown[]).some((v) => equal(actual, v));
    case 'contains':
      return typeof actual === 'string' && actual.toLowerCase().includes((expected as string).toLowerCase());
    default: {
      if (actual === null || actual === undefined) return false;
      const a = actual as number | string;
      const b = expected as number | string;
      return op === 'lt' ? a < b : op === 'lte' ? a <= b : op === 'gt' ? a > b : a >= b;
    }
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return false;
}
