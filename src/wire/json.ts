/**
 * A strict, safe JSON parser for frames and triggers.
 *
 * Why not `JSON.parse`: rooms are identified by their values *with their types* (high-templar dossier §1.8), and
 * Python backends send integers beyond 2^53 and floats such as `1.0` that `JSON.parse` silently turns into other
 * numbers. This parser keeps such numbers as {@link JsonNumber} (exact lexeme), keeps `__proto__` and friends as
 * plain data (objects have no prototype), bounds nesting depth, and can report the raw source text of each
 * top-level member so that a trigger's `data` is forwarded byte for byte, never re-serialized.
 *
 * It is pure: no I/O, no globals, never throws on any input.
 *
 * @module
 */

import { JsonNumber } from './json-number.js';

export { JsonNumber };

/** A JSON object as parsed: no prototype, so `__proto__` is an ordinary key. */
export type JsonObject = { [key: string]: JsonValue };
/** Any parsed JSON value. Numbers are `number` when exact, else {@link JsonNumber}. */
export type JsonValue = null | boolean | string | number | JsonNumber | JsonValue[] | JsonObject;

/** A successful parse. `raw` holds the source text of each top-level object member when asked for. */
export interface JsonParsed {
  readonly ok: true;
  readonly value: JsonValue;
  readonly raw?: ReadonlyMap<string, string>;
}
/** A failed parse, with a short reason and the offset where it was found. */
export interface JsonFailure {
  readonly ok: false;
  /**
   * `depth`: the text nests deeper than the limit (it may be valid JSON, only too deep for roomcast), which the
   * dialects answer with an error of its own; `syntax`: it is not JSON.
   */
  readonly reason: 'depth' | 'syntax';
  readonly error: string;
  readonly at: number;
}

/** The deepest nesting of arrays and objects a frame or trigger may have (the parsers' default limit). */
export const MAX_JSON_DEPTH = 64;

/** The `error` text of a parse that failed for nesting deeper than `maxDepth` (its `reason` is `depth`). */
export function tooDeep(maxDepth: number = MAX_JSON_DEPTH): string {
  return `nested deeper than ${maxDepth} levels`;
}

/** Options of {@link parseJson}. */
export interface ParseOptions {
  /** Record the raw text of each member of a top-level object. @default false */
  readonly raw?: boolean;
  /** Deepest nesting accepted. @default {@link MAX_JSON_DEPTH} (64) */
  readonly maxDepth?: number;
}

const SAFE_DIGITS = 15; // every integer of up to 15 digits is below 2^53

class Failure {
  readonly reason: JsonFailure['reason'];
  readonly error: string;
  readonly at: number;
  constructor(reason: JsonFailure['reason'], error: string, at: number) {
    this.reason = reason;
    this.error = error;
    this.at = at;
  }
}

/** A hex digit's value; any other code (NaN past the end included) gives a number whose OR with the others is negative. */
function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -0x10000;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Whether a value is an object with string keys, as `JSON.parse` makes them (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a value is a parsed JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}

/**
 * Parses `text` as one JSON value.
 *
 * @example
 * const r = parseJson('{"rooms":[{"id":1}],"data":{"x":1.0}}', { raw: true });
 * if (r.ok) r.raw?.get('data'); // '{"x":1.0}'
 */
export function parseJson(text: string, options: ParseOptions = {}): JsonParsed | JsonFailure {
  const parser = new Parser(text, options.maxDepth ?? MAX_JSON_DEPTH, options.raw === true ? new Map() : undefined);
  try {
    const value = parser.value(0);
    parser.skipSpace();
    if (parser.i !== text.length) parser.fail('unexpected trailing text');
    if (parser.raw !== undefined && isJsonObject(value)) return { ok: true, value, raw: parser.raw };
    return { ok: true, value };
  } catch (err) {
    if (err instanceof Failure) return { ok: false, reason: err.reason, error: err.error, at: err.at };
    // A RangeError from a pathological input must not escape: the parser never throws.
    return { ok: false, reason: 'syntax', error: 'unparseable', at: parser.i };
  }
}

/** The position of the first character at or after `i` that is not JSON whitespace. */
export function skipBlank(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
}

/** One parse's state: the text, the position, and the raw member texts when asked for. */
class Parser {
  readonly text: string;
  readonly maxDepth: number;
  readonly raw: Map<string, string> | undefined;
  i = 0;

  constructor(text: string, maxDepth: number, raw: Map<string, string> | undefined) {
    this.text = text;
    this.maxDepth = maxDepth;
    this.raw = raw;
  }

  fail(error: string): never {
    throw new Failure('syntax', error, this.i);
  }

  tooDeep(): never {
    throw new Failure('depth', tooDeep(this.maxDepth), this.i);
  }

  skipSpace(): void {
    this.i = skipBlank(this.text, this.i);
  }

  string(): string {
    // precondition: text[i] === '"'
    const text = this.text;
    let i = this.i + 1;
    let out = '';
    let start = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return out + text.slice(start, i);
      }
      if (Number.isNaN(c)) {
        this.i = i;
        this.fail('unterminated string');
      }
      if (c < 0x20) {
        this.i = i;
        this.fail('control character in string');
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1];
      i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          // Four hex digits, read without a slice and a regex per escape (a 64 KB frame holds 10,000 escapes).
          const code = (hex(text.charCodeAt(i)) << 12) | (hex(text.charCodeAt(i + 1)) << 8) | (hex(text.charCodeAt(i + 2)) << 4) | hex(text.charCodeAt(i + 3));
          if (code < 0) {
            this.i = i;
            this.fail('bad unicode escape');
          }
          out += String.fromCharCode(code);
          i += 4;
          break;
        }
        default:
          this.i = i - 1;
          this.fail('bad escape');
      }
      start = i;
    }
  }

  number(): number | JsonNumber {
    // JSON's number grammar, scanned by hand: a regex and its match object per number cost three times as much, and
    // a 64 KB frame holds 32,000 numbers. A short integer's value is computed on the way.
    const text = this.text;
    const start = this.i;
    let i = start;
    const negative = text.charCodeAt(i) === 0x2d;
    if (negative) i++;
    const first = text.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) while (isDigit(text.charCodeAt(i))) i++;
    else return this.fail('unexpected character');
    const intEnd = i;
    // A fraction or an exponent without digits is not part of the number (what follows then fails as a token).
    if (text.charCodeAt(i) === 0x2e && isDigit(text.charCodeAt(i + 1))) {
      i += 2;
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (sign === 0x2b || sign === 0x2d) j++;
      if (isDigit(text.charCodeAt(j))) {
        i = j + 1;
        while (isDigit(text.charCodeAt(i))) i++;
      }
    }
    this.i = i;
    const digits = intEnd - start - (negative ? 1 : 0);
    if (i === intEnd && digits <= SAFE_DIGITS) {
      let n = 0;
      for (let k = intEnd - digits; k < intEnd; k++) n = n * 10 + (text.charCodeAt(k) - 0x30);
      return negative ? -n : n;
    }
    const lexeme = text.slice(start, i);
    if (i === intEnd && Number.isSafeInteger(Number(lexeme))) return Number(lexeme);
    return new JsonNumber(lexeme);
  }

  value(depth: number): JsonValue {
    const text = this.text;
    // Blanks are skipped only where there are any: a dense frame has none, and 32,000 values.
    let c = text.charCodeAt(this.i);
    if (c <= 0x20) {
      this.skipSpace();
      c = text.charCodeAt(this.i);
    }
    switch (c) {
      case 0x7b: // {
        return this.object(depth);
      case 0x5b: { // [
        if (depth >= this.maxDepth) this.tooDeep();
        this.i++;
        const arr: JsonValue[] = [];
        if (text.charCodeAt(this.i) <= 0x20) this.skipSpace();
        if (text.charCodeAt(this.i) === 0x5d) {
          this.i++;
          return arr;
        }
        for (;;) {
          arr.push(this.value(depth + 1));
          let c = text.charCodeAt(this.i);
          if (c <= 0x20) {
            this.skipSpace();
            c = text.charCodeAt(this.i);
          }
          this.i++;
          if (c === 0x2c) continue;
          if (c === 0x5d) return arr;
          this.i--;
          return this.fail("expected ',' or ']'");
        }
      }
      case 0x22:
        return this.string();
      case 0x74:
        return this.literal('true', true);
      case 0x66:
        return this.literal('false', false);
      case 0x6e:
        return this.literal('null', null);
      default:
        if (this.i >= text.length) return this.fail('unexpected end of input');
        return this.number();
    }
  }

  object(depth: number): JsonObject {
    if (depth >= this.maxDepth) this.tooDeep();
    const text = this.text;
    this.i++;
    const obj = Object.create(null) as JsonObject;
    if (text.charCodeAt(this.i) <= 0x20) this.skipSpace();
    if (text.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return obj;
    }
    for (;;) {
      if (text.charCodeAt(this.i) <= 0x20) this.skipSpace();
      if (text.charCodeAt(this.i) !== 0x22) this.fail('expected a key');
      const key = this.string();
      if (text.charCodeAt(this.i) <= 0x20) this.skipSpace();
      if (text.charCodeAt(this.i) !== 0x3a) this.fail("expected ':'");
      this.i++;
      if (depth === 0 && this.raw !== undefined) {
        this.skipSpace();
        const start = this.i;
        obj[key] = this.value(depth + 1);
        this.raw.set(key, text.slice(start, this.i));
      } else {
        obj[key] = this.value(depth + 1);
      }
      let c = text.charCodeAt(this.i);
      if (c <= 0x20) {
        this.skipSpace();
        c = text.charCodeAt(this.i);
      }
      this.i++;
      if (c === 0x2c) continue;
      if (c === 0x7d) return obj;
      this.i--;
      return this.fail("expected ',' or '}'");
    }
  }

  literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.i)) this.fail('unexpected character');
    this.i += word.length;
    return value;
  }
}
