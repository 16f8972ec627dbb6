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

/** The HTTP status of a model error. */
export function httpStatus(code: ModelErrorCode): number {
  return code === 'not-found' ? 404 : code === 'forbidden' ? 403 : code === 'invalid' ? 400 : 409;
}
