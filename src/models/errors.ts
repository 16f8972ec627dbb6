/**
 * The one error the model operations throw: a code each dialect and REST map to their own form (a binding
 * `error`, an HTTP status), a message safe to show a client, and validation details when there are any.
 *
 * @module
 */

export type ModelErrorCode =
  /** No such object, or one the caller may not see (the two are not told apart). */
  | 'not-found'
  /** The caller may see it but not do this. */
  | 'forbidden'
  /** The input does not fit the fields or the schema; `details` lists why. */
  | 'invalid'
  /** The key is already taken (create). */
  | 'conflict';

/**
 * The most problems `details` lists; past them one last entry says how many more there are (`"and 6,980 more"`):
 * input of 7,000 unknown fields gets a readable answer, not one the size of a 64 KB frame again.
 */
export const MAX_DETAILS = 20;

/** The entry that ends a cut list of details. */
export function moreDetails(count: number): string {
  return `and ${count.toLocaleString('en-US')} more`;
}

/** The one error of the model operations. Validation lists its `details` with {@link Problems} or {@link cutDetails}. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  readonly code: ModelErrorCode;
  readonly details: readonly string[];

  constructor(code: ModelErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** `details` as {@link ModelError} lists them: at most {@link MAX_DETAILS}, then how many more there were. */
export function cutDetails(details: readonly string[]): readonly string[] {
  return details.length > MAX_DETAILS ? [...details.slice(0, MAX_DETAILS), moreDetails(details.length - MAX_DETAILS)] : details;
}

/**
 * Collects a validation's problems as {@link ModelError} lists them: the first {@link MAX_DETAILS} written out, the
 * rest only counted (a problem is given as a function, so that one past the limit is never formatted).
 */
export class Problems {
  readonly #list: string[] = [];
  #more = 0;

  add(problem: () => string): void {
    if (this.#list.length < MAX_DETAILS) this.#list.push(problem());
    else this.#more++;
  }

  get empty(): boolean {
    return this.#list.length === 0;
  }

  /** The details: the problems written out, then how many more there were. */
  list(): string[] {
    return this.#more === 0 ? this.#list : [...this.#list, moreDetails(this.#more)];
  }
}

/** The HTTP status of a model error. */
export function httpStatus(code: ModelErrorCode): number {
  return code === 'not-found' ? 404 : code === 'forbidden' ? 403 : code === 'invalid' ? 400 : 409;
}
