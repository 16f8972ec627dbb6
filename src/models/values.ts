/**
 * What text, JSON and timestamp values may hold: exactly what SQLite and PostgreSQL both store and give back
 * unchanged, so a value is refused with the same clear reason on either engine instead of failing in the
 * database (PostgreSQL) or coming back as something else (a rolled-over date, a replaced surrogate). Pure.
 *
 * - Text, and every string and key inside JSON: no U+0000 (PostgreSQL's `text` and `jsonb` cannot hold it) and
 *   no unpaired surrogate (neither engine can store one as UTF-8: PostgreSQL writes U+FFFD or refuses it in
 *   `jsonb`, SQLite gives back other characters).
 * - JSON: plain objects, arrays, strings, finite numbers, booleans and `null`, nested at most {@link MAX_STORED_JSON_DEPTH}
 *   levels.
 * - Timestamps: `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `Z` or `±HH:MM`, a real
 *   calendar date and time, from {@link MIN_TIMESTAMP} to {@link MAX_TIMESTAMP} once in UTC (PostgreSQL has no
 *   year 0; past year 9999 ISO text no longer sorts in time order); kept to the millisecond.
 *
 * @example
 * parseTimestamp('2026-11-24T12:00:00+01:00'); // { iso: '2026-11-24T11:00:00.000Z' }
 * parseTimestamp('2026-02-30T00:00:00Z');      // { error: 'must be a real date: 2026-02 has 28 days' }
 *
 * @module
 */
import { QUOTE_CUT, quoted } from '../wire/quote.js';

/** The earliest timestamp both engines store (PostgreSQL has no year 0). */
export const MIN_TIMESTAMP = '0001-01-01T00:00:00.000Z';
/** The latest timestamp both engines store and compare alike. */
export const MAX_TIMESTAMP = '9999-12-31T23:59:59.999Z';
/**
 * How deep a stored JSON value may nest: deeper values would overflow JSON.stringify's stack on the way in or
 * out. Not the wire's MAX_JSON_DEPTH (64, in wire/json.ts), which bounds frames and trigger bodies.
 */
export const MAX_STORED_JSON_DEPTH = 512;

const MIN_MS = Date.parse(MIN_TIMESTAMP);
const MAX_MS = Date.parse(MAX_TIMESTAMP);

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;
const SHAPE = 'must be an ISO 8601 date-time (2026-01-02T03:04:05Z, 2026-01-02T04:04:05.123+01:00) or date (2026-01-02)';

/** Why a string cannot be stored as text, or `undefined` when it can. */
export function textProblem(text: string): string | undefined {
  const nul = text.indexOf('\u0000');
  if (nul !== -1) return `must not contain U+0000 (at index ${nul})`;
  // With the u flag a surrogate pair is one code point; only an unpaired surrogate is in category Cs.
  const lone = /\p{Cs}/u.exec(text);
  if (lone !== null) return `must be well-formed Unicode (an unpaired surrogate at index ${lone.index})`;
  return undefined;
}

/**
 * Why a value cannot be stored as JSON, or `undefined` when it can. Iterative, so any depth is safe to check.
 * Each node links to its parent; the path to a problem is written only once there is one, with every key quoted
 * bounded ({@link quoted}) and at most {@link PATH_SEGMENTS} steps shown, so the reason stays short whatever
 * the value holds (a 60,000-character key, 500 levels of nesting).
 */
export function jsonProblem(value: unknown): string | undefined {
  const stack: Node[] = [{ value, parent: undefined, step: undefined, depth: 0 }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const { value: v, depth } = node;
    if (v === null || typeof v === 'boolean') continue;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem !== undefined) return `the string at ${pathOf(node)} ${problem}`;
      continue;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `${pathOf(node)} must be a finite number`;
      continue;
    }
    if (typeof v === 'object' && v !== null && depth >= MAX_STORED_JSON_DEPTH) return `nests more than ${MAX_STORED_JSON_DEPTH} levels deep`;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: node, step: i, depth: depth + 1 });
      continue;
    }
    if (typeof v !== 'object' || !isPlainRecord(v)) return `${pathOf(node)} must be a JSON value (an object, array, string, number, boolean or null), not ${describe(v)}`;
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i] as [string, unknown];
      const at: Node = { value: child, parent: node, step: key, depth: depth + 1 };
      const problem = textProblem(key);
      if (problem !== undefined) return `the key ${pathOf(at)} ${problem}`;
      stack.push(at);
    }
  }
  return undefined;
}

/** The most steps of a path {@link jsonProblem} writes out: the first and last half, `…` between. */
export const PATH_SEGMENTS = 16;

/** A value met while checking JSON: `step` is its key or index in `parent`. */
interface Node {
  readonly value: unknown;
  readonly parent: Node | undefined;
  readonly step: string | number | undefined;
  readonly depth: number;
}

/** `$.a[0]["two words"]`: the steps from the root to `node`, keys quoted bounded, long paths cut in the middle. */
function pathOf(node: Node): string {
  const steps: string[] = [];
  for (let n: Node | undefined = node; n !== undefined && n.step !== undefined; n = n.parent) steps.push(stepText(n.step));
  steps.reverse();
  const half = PATH_SEGMENTS / 2;
  const shown = steps.length <= PATH_SEGMENTS ? steps : [...steps.slice(0, half), QUOTE_CUT, ...steps.slice(-half)];
  return `$${shown.join('')}`;
}

function stepText(step: string | number): string {
  if (typeof step === 'number') return `[${step}]`;
  const key = quoted(step);
  return /^[A-Za-z_$][\w$]*$/.test(step) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** A parsed JSON object has Object.prototype (or none); a Date, Map or class instance would not store as itself. */
const isPlainRecord = (v: object): v is Record<string, unknown> => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const describe = (v: unknown): string => (v === undefined ? 'undefined' : typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'null-prototype object'}` : `a ${typeof v}`);

/** A timestamp as the ISO string both engines store (UTC, milliseconds), or why it is not one. */
export function parseTimestamp(value: unknown): { readonly iso: string } | { readonly error: string } {
  const m = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
  if (m === null) return { error: SHAPE };
  const [, y, mo, d, h, mi, s, fraction, zone] = m as unknown as [string, string, string, string, string?, string?, string?, string?, string?];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return { error: `must be a real date: there is no month ${mo}` };
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return { error: `must be a real date: ${y}-${mo} has ${days} days` };
  if (h !== undefined && zone === undefined) return { error: 'must say its time zone: end the time with Z or ±HH:MM' };
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return { error: 'must be a real time: hours 00-23, minutes and seconds 00-59' };
  let offset = 0;
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return { error: `must have a real time zone offset: ${zone} is not one` };
    offset = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  // Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear takes the year as given. Finer than milliseconds is dropped.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offset, second, Number((fraction ?? '0').padEnd(3, '0').slice(0, 3)));
  const ms = date.getTime();
  if (!(ms >= MIN_MS && ms <= MAX_MS)) return { error: `must fall from ${MIN_TIMESTAMP} to ${MAX_TIMESTAMP} (in UTC)` };
  return { iso: date.toISOString() };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
