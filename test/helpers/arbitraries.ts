/** fast-check arbitraries shared by the property tests of the JSON parser and of canonical text. */
import fc from 'fast-check';

/** Digit counts of a generated number lexeme's parts: after its leading digit, in its fraction, in its exponent. */
export interface LexemeDigits {
  readonly integer: number;
  readonly fraction: number;
  readonly exponent: number;
}

/** JSON number lexemes of every form the grammar allows: signs, zero, long integers, fractions, exponents (e/E, ±). */
export function jsonNumberLexeme(digits: LexemeDigits): fc.Arbitrary<string> {
  const run = (min: number, max: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^\\d{${min},${max}}$`));
  return fc
    .tuple(
      fc.boolean(),
      fc.oneof(fc.constant('0'), fc.tuple(fc.integer({ min: 1, max: 9 }), run(0, digits.integer)).map(([d, r]) => `${d}${r}`)),
      fc.option(run(1, digits.fraction), { nil: undefined }),
      fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), run(1, digits.exponent)).map((p) => p.join('')), { nil: undefined }),
    )
    .map(([minus, int, frac, exp]) => `${minus ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}${exp ?? ''}`);
}
