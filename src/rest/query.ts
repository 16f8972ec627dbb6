/**
 * The list route's query string as a {@link SearchQuery}: `page`, `limit`, `order`, `filters` (a JSON filter, as
 * a WebSocket search sends it) and Django-style field filters (`field=value`, `field__op=value`), each value typed
 * by its field. Pure and total: any query string gives a query or one clear error (docs/rest.md, "Query syntax").
 *
 * @example
 * decodeListQuery(new URLSearchParams('status__in=open,held&total__gte=10&order=-created&page=2'), fields)
 * // { query: { filters: { status: { in: ['open', 'held'] }, total: { gte: 10 } }, order: '-created', page: 2 } }
 *
 * @module
 */
import { fieldType, type Fields, type FieldType } from '../models/fields.js';
import { decodeFilter, decodeOrder } from '../models/filters.js';
import type { SearchQuery } from '../models/read.js';

/** The operators of `field__op=value`; `isnull` takes `true`/`false`, `in` a comma-separated list. */
export const QUERY_OPERATORS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains', 'isnull'] as const;
export type QueryOperator = (typeof QUERY_OPERATORS)[number];

/** Parameters that are not filters. A field with one of these names is filtered as `name__eq=`. */
export const RESERVED_PARAMS = ['page', 'limit', 'order', 'filters'] as const;

/** Page numbers and sizes above this are clamped here before the model clamps them further. */
const MAX_COUNT = 1_000_000_000;

type Decoded<T> = { readonly value: T } | { readonly error: string };

/**
 * Decodes a list request's query string against a model's fields. Parameters named in `ignore` (credentials the
 * auth strategy reads, such as `?token=`) are skipped; any other unknown parameter is an error.
 */
export function decodeListQuery(params: URLSearchParams, fields: Fields, ignore: readonly string[] = []): { query: SearchQuery } | { error: string } {
  const seen = new Set<string>();
  const byField = new Map<string, Record<string, unknown>>();
  let page: number | undefined;
  let limit: number | undefined;
  let order: string | undefined;
  let json: unknown;
  for (const [name, text] of params) {
    if (ignore.includes(name)) continue;
    if (seen.has(name)) return { error: `query parameter '${name}' is given more than once` };
    seen.add(name);
    if (name === 'page' || name === 'limit') {
      if (!/^\d{1,15}$/.test(text)) return { error: `${name} must be a whole number` };
      const n = Math.min(Number(text), MAX_COUNT);
      if (name === 'page') page = n;
      else limit = n;
      continue;
    }
    if (name === 'order') {
      order = text;
      continue;
    }
    if (name === 'filters') {
      const parsed = parseJson(text);
      if ('error' in parsed) return { error: `filters: ${parsed.error}` };
      json = parsed.value;
      continue;
    }
    const target = splitParam(name, fields);
    if (target === undefined) return { error: unknownParam(name, fields) };
    const { field, type, op } = target;
    const condition = decodeCondition(field, type, op, text);
    if ('error' in condition) return condition;
    const conditions = byField.get(field) ?? {};
    byField.set(field, conditions);
    if (condition.value.op in conditions) return { error: `${field}: conflicting conditions (${name} repeats one already given)` };
    conditions[condition.value.op] = condition.value.operand;
  }
  const filters = combine(byField, json);
  const checkedFilter = decodeFilter(filters, fields);
  if ('error' in checkedFilter) return { error: checkedFilter.error };
  const checkedOrder = decodeOrder(order, fields);
  if ('error' in checkedOrder) return { error: checkedOrder.error };
  return {
    query: {
      ...(filters !== undefined ? { filters } : {}),
      ...(order !== undefined && order !== '' ? { order } : {}),
      ...(page !== undefined ? { page } : {}),
      ...(limit !== undefined ? { limit } : {}),
    },
  };
}

/** `total__gte` → total, gte; a name that is itself a field is an equality, so field names may contain `__`. */
function splitParam(name: string, fields: Fields): { field: string; type: FieldType; op: QueryOperator } | undefined {
  const whole = fieldType(fields, name);
  if (whole !== undefined && !(RESERVED_PARAMS as readonly string[]).includes(name)) return { field: name, type: whole, op: 'eq' };
  const cut = name.lastIndexOf('__');
  if (cut <= 0) return undefined;
  const field = name.slice(0, cut);
  const op = name.slice(cut + 2);
  const type = fieldType(fields, field);
  if (type === undefined || !(QUERY_OPERATORS as readonly string[]).includes(op)) return undefined;
  return { field, type, op: op as QueryOperator };
}

function unknownParam(name: string, fields: Fields): string {
  const cut = name.lastIndexOf('__');
  const field = cut > 0 ? name.slice(0, cut) : name;
  if (cut > 0 && fieldType(fields, field) !== undefined) {
    return `unknown filter operator '${name.slice(cut + 2)}' in '${name}' (use ${QUERY_OPERATORS.join(', ')})`;
  }
  return `unknown query parameter '${name}' (use ${RESERVED_PARAMS.join(', ')}, or a field: ${Object.keys(fields).join(', ')})`;
}

/** One `field__op=text` as a filter condition `{op: operand}`. */
function decodeCondition(field: string, type: FieldType, op: QueryOperator, text: string): Decoded<{ op: string; operand: unknown }> {
  if (type === 'json') return { error: `cannot filter on JSON field '${field}'` };
  if (op === 'isnull') {
    const flag = parseValue('boolean', text);
    if ('error' in flag) return { error: `${field}__isnull must be true or false` };
    return { value: { op: flag.value === true ? 'eq' : 'ne', operand: null } };
  }
  if (op === 'contains') return type === 'text' ? { value: { op, operand: text } } : { error: `${field}: 'contains' applies to text fields only` };
  if (op === 'in') {
    const list: unknown[] = [];
    for (const item of text === '' ? [] : text.split(',')) {
      const v = parseValue(type, item);
      if ('error' in v) return { error: `${field}__in: '${item}' ${v.error}` };
      list.push(v.value);
    }
    return { value: { op, operand: list } };
  }
  const v = parseValue(type, text);
  if ('error' in v) return { error: `${op === 'eq' ? field : `${field}__${op}`}: '${text}' ${v.error}` };
  return { value: { op, operand: v.value } };
}

/** A query-string value as its field's JSON type. Text is never `null`: NULL is asked for with `__isnull`. */
function parseValue(type: FieldType, text: string): Decoded<unknown> {
  switch (type) {
    case 'key':
    case 'integer': {
      const n = /^-?\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
      return Number.isSafeInteger(n) ? { value: n } : { error: 'is not an integer' };
    }
    case 'number': {
      const n = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
      return Number.isFinite(n) ? { value: n } : { error: 'is not a number' };
    }
    case 'boolean':
      return text === 'true' ? { value: true } : text === 'false' ? { value: false } : { error: 'is not true or false' };
    default:
      // text and timestamp (checked by decodeFilter); json never gets here.
      return { value: text };
  }
}

/** Field filters and the `filters` JSON must both hold: the JSON becomes a one-branch `$or`. */
function combine(byField: ReadonlyMap<string, Record<string, unknown>>, json: unknown): unknown {
  const fieldFilters: Record<string, unknown> = Object.fromEntries(byField);
  const hasFields = byField.size > 0;
  if (json === undefined || json === null) return hasFields ? fieldFilters : undefined;
  return hasFields ? { ...fieldFilters, $or: [json] } : json;
}

function parseJson(text: string): Decoded<unknown> {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { error: 'not valid JSON' };
  }
}
