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

/** A number that a JS `number` cannot carry faithfully: any float lexeme, or an integer beyond ±2^53. */
export class JsonNumber {
  /** The number as written, e.g. `1.0`, `12345678901234567890`. */
  readonly lexeme: string;
  /** Whether the lexeme is an integer (no fraction, no exponent). */
  readonly isInteger: boolean;
  constructor(lexeme: string) {
    this.lexeme = lexeme;
    this.isInteger = !/[.eE]/.test(lexeme);
  }
  /** The nearest double, for code that needs arithmetic. */
  get value(): number {
    return Number(this.lexeme);
  }
  /** `JSON.stringify` fallback: the lexeme is valid JSON, but stringify cannot emit raw text, so it gets the double. */
  toJSON(): number {
    return this.value;
  }
}

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
  readonly error: string;
  readonly at: number;
}

/** Options of {@link parseJson}. */
export interface ParseOptions {
  /** Record the raw text of each member of a top-level object. @default false */
  readonly raw?: boolean;
  /** Deepest nesting accepted. @default 64 */
  readonly maxDepth?: number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SAFE_DIGITS = 15; // every integer of up to 15 digits is below 2^53

class Failure {
  readonly error: string;
  readonly at: number;
  constructor(error: string, at: number) {
    this.error = error;
    this.at = at;
  }
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
  const maxDepth = options.maxDepth ?? 64;
  let i = 0;
  let raw: Map<string, string> | undefined;

  const fail = (error: string): never => {
    throw new Failure(error, i);
  };

  const skipSpace = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };

  const parseString = (): string => {
    // precondition: text[i] === '"'
    i++;
    let out = '';
    let start = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) fail('unterminated string');
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string');
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
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad unicode escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          i -= 1;
          fail('bad escape');
      }
      start = i;
    }
  };

  const parseNumber = (): number | JsonNumber => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail('unexpected character');
    const lexeme = m[0];
    i += lexeme.length;
    const digits = lexeme.charCodeAt(0) === 0x2d ? lexeme.length - 1 : lexeme.length;
    if (!/[.eE]/.test(lexeme) && digits <= SAFE_DIGITS) return Number(lexeme);
    if (!/[.eE]/.test(lexeme) && Number.isSafeInteger(Number(lexeme))) return Number(lexeme);
    return new JsonNumber(lexeme);
  };

  const parseValue = (depth: number): JsonValue => {
    skipSpace();
    const c = text[i];
    switch (c) {
      case '{': {
        if (depth >= maxDepth) fail('nesting too deep');
        i++;
        const obj = Object.create(null) as JsonObject;
        skipSpace();
        if (text[i] === '}') {
          i++;
          return obj;
        }
        for (;;) {
          skipSpace();
          if (text[i] !== '"') fail('expected a key');
          const key = parseString();
          skipSpace();
          if (text[i] !== ':') fail("expected ':'");
          i++;
          if (depth === 0 && raw !== undefined) {
            skipSpace();
            const start = i;
            obj[key] = parseValue(depth + 1);
            raw.set(key, text.slice(start, i));
          } else {
            obj[key] = parseValue(depth + 1);
          }
          skipSpace();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            return obj;
          }
          return fail("expected ',' or '}'");
        }
      }
      case '[': {
        if (depth >= maxDepth) fail('nesting too deep');
        i++;
        const arr: JsonValue[] = [];
        skipSpace();
        if (text[i] === ']') {
          i++;
          return arr;
        }
        for (;;) {
          arr.push(parseValue(depth + 1));
          skipSpace();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            return arr;
          }
          return fail("expected ',' or ']'");
        }
      }
      case '"':
        return parseString();
      case 't':
        return literal('true', true);
      case 'f':
        return literal('false', false);
      case 'n':
        return literal('null', null);
      case undefined:
        return fail('unexpected end of input');
      default:
        return parseNumber();
    }
  };

  const literal = <T extends JsonValue>(word: string, value: T): T => {
    if (!text.startsWith(word, i)) fail('unexpected character');
    i += word.length;
    return value;
  };

  try {
    if (options.raw === true) raw = new Map();
    const value = parseValue(0);
    skipSpace();
    if (i !== text.length) fail('unexpected trailing text');
    if (raw !== undefined && isJsonObject(value)) return { ok: true, value, raw };
    return { ok: true, value };
  } catch (err) {
    if (err instanceof Failure) return { ok: false, error: err.error, at: err.at };
    // A RangeError from a pathological input must not escape: the parser never throws.
    return { ok: false, error: 'unparseable', at: i };
  }
}
