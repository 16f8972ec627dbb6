/**
 * The exact form of a JSON number that a JS `number` cannot carry faithfully (floats such as `1.0`, integers
 * beyond 2^53), as the parser (`json.ts`) returns it; canonical text (`canonical.ts`) keys rooms by its lexeme.
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
    this.isInteger = isIntegerLexeme(lexeme);
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

/** Whether a number lexeme has no fraction and no exponent; scanned by hand, as the parser scans numbers. */
function isIntegerLexeme(lexeme: string): boolean {
  for (let i = 0; i < lexeme.length; i++) {
    const c = lexeme.charCodeAt(i);
    if (c === 0x2e || c === 0x65 || c === 0x45) return false;
  }
  return true;
}
