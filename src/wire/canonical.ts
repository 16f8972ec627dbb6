/**
 * Canonical JSON text: object keys sorted by code point, no whitespace, numbers normalized so that equal values
 * give equal text and values of different types never do (`1` ≠ `1.0` ≠ `"1"` ≠ `true`), as Python's
 * `json.dumps(sort_keys=True)` distinguishes them. This text is a room's identity (high-templar dossier §1.8).
 *
 * @module
 */
import { JsonNumber, type JsonValue } from './json.js';

/**
 * The canonical text of a parsed JSON value, or `undefined` when it holds a number no JSON can carry
 * (a float lexeme that overflows to infinity).
 *
 * @example
 * canonicalJson(parsed('{"b":1,"a":1.50}')) // '{"a":1.5,"b":1}'
 */
export function canonicalJson(value: JsonValue): string | undefined {
  try {
    return write(value);
  } catch {
    return undefined;
  }
}

function write(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // Exact integers only reach here as `number` (the parser wraps everything else); -0 is the integer 0.
      return Object.is(value, -0) ? '0' : String(value);
  }
  if (value instanceof JsonNumber) return numberText(value);
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
  const keys = Object.keys(value).sort(compareCodePoints);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${write(value[k] as JsonValue)}`).join(',')}}`;
}

function numberText(n: JsonNumber): string {
  if (n.isInteger) return integerText(n.lexeme);
  const d = n.value;
  if (!Number.isFinite(d)) throw new RangeError('non-finite number');
  const text = String(d === 0 ? 0 : d);
  // A float stays a float: 100.0 must not collapse into the integer 100.
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/**
 * An integer lexeme's canonical text: without leading zeros, `-0` as `0` (what `BigInt(lexeme).toString()` gives,
 * in time linear in the digits: that conversion is quadratic, and 1,500 frames of 65,400 digits kept a server
 * busy for 20 s). The parser's lexemes have no leading zeros; a `JsonNumber` made by hand may.
 */
function integerText(lexeme: string): string {
  if (!/^-?\d+$/.test(lexeme)) throw new RangeError('not an integer');
  const negative = lexeme.charCodeAt(0) === 0x2d;
  let i = negative ? 1 : 0;
  while (i < lexeme.length - 1 && lexeme.charCodeAt(i) === 0x30) i++;
  const digits = i === 0 ? lexeme : lexeme.slice(i);
  return negative && digits !== '0' ? `-${digits}` : digits;
}

/** Orders strings by Unicode code point (as Python sorts keys), not by UTF-16 code unit. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
