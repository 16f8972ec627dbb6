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

/**
 * Whether {@link canonicalJson} gives `value` a text, found without building it: a float that overflows to infinity
 * (or a hand-made lexeme that is no number) has none.
 */
export function hasCanonicalText(value: JsonValue): boolean {
  if (value instanceof JsonNumber) {
    try {
      numberText(value);
      return true;
    } catch {
      return false;
    }
  }
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!hasCanonicalText(value[i] as JsonValue)) return false;
    return true;
  }
  for (const key in value) if (!hasCanonicalText(value[key] as JsonValue)) return false;
  return true;
}

/**
 * The canonical text of `value`, built by appending to one string per container (V8 joins the pieces once, when
 * the text is first read). A parent that joined its children's texts with `Array.join` copied every character
 * once per level of nesting: 64 levels of a 64 KB frame.
 */
function write(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return quote(value);
    case 'number':
      // Exact integers only reach here as `number` (the parser wraps everything else); -0 is the integer 0.
      return Object.is(value, -0) ? '0' : String(value);
  }
  if (value instanceof JsonNumber) return numberText(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    let text = `[${write(value[0] as JsonValue)}`;
    for (let i = 1; i < value.length; i++) text += `,${write(value[i] as JsonValue)}`;
    return `${text}]`;
  }
  const keys = sortedKeys(value);
  if (keys.length === 0) return '{}';
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    text += `${i === 0 ? '' : ','}${quote(key)}:${write(value[key] as JsonValue)}`;
  }
  return `${text}}`;
}

/**
 * A string as JSON text, as `JSON.stringify` writes it. A short string with nothing to escape is quoted directly:
 * `JSON.stringify` costs about 100 ns a call, and a 64 KB frame holds 7,000 keys.
 */
export function quote(text: string): string {
  if (text.length > 64) return JSON.stringify(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Control characters, '"' and '\\' are escaped; a surrogate is escaped when lone.
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * An object's keys in code-point order. Keys without surrogates sort natively: UTF-16 order and code-point order
 * differ only where a surrogate meets a unit of U+E000 to U+FFFF. The comparator, written in JS, costs about twice
 * as much, and a 64 KB frame holds 7,000 keys.
 */
export function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length < 2) return keys;
  for (const key of keys) if (/[\uD800-\uDFFF]/.test(key)) return keys.sort(compareCodePoints);
  return keys.sort();
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
