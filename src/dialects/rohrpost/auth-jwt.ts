/**
 * Per-request token checks for the rohrpost dialect: rohrpost.js sends `auth_jwt` with every request but ping, and
 * a rohrpost server checks it per message because the connection itself is not authenticated
 * (docs/protocols/rohrpost.md, "Per-request tokens").
 *
 * @example
 * createServer({ rohrpost: { authJwt: { verify: createJwtVerifier({ secret: process.env.JWT_SECRET }) } } });
 *
 * @module
 */
import type { JwtVerdict } from '../../auth/jwt.js';
import type { JsonObject } from '../../wire/json.js';
import { RohrpostError } from './codec.js';

/** Options of per-request `auth_jwt` verification. */
export interface RohrpostAuthJwt {
  /** Verifies a token: signature, `exp`, `nbf` (NumericDates, as `iat`), `iss`, `aud`. Typically `createJwtVerifier({ … })`. */
  readonly verify: (token: string) => Promise<JwtVerdict>;
  /** Request types that need no token; their handlers see no claims. @default ['ping'] (rohrpost.js pings without one) */
  readonly exempt?: readonly string[];
}

/** The verified claims of a request (`undefined` for an exempt type), or the error reply it gets instead. */
export type AuthJwtCheck =
  | { readonly claims: JsonObject | undefined }
  | { readonly error: string; readonly reason?: string };

/** Checks one request's `auth_jwt`. Never rejects when `verify` does not. */
export type AuthJwtChecker = (type: string, request: JsonObject) => Promise<AuthJwtCheck>;

/** Builds the checker of a dialect's options. */
export function createAuthJwtChecker(options: RohrpostAuthJwt): AuthJwtChecker {
  const exempt = new Set(options.exempt ?? ['ping']);
  return async (type, request) => {
    if (exempt.has(type)) return { claims: undefined };
    const token = request.auth_jwt;
    // rohrpost.js sends `""` when it was given no token.
    if (token === undefined || token === null || token === '') return { error: RohrpostError.InvalidToken, reason: 'auth_jwt missing' };
    if (typeof token !== 'string') return { error: RohrpostError.InvalidToken, reason: 'auth_jwt is not a string' };
    const verdict = await options.verify(token);
    if ('claims' in verdict) return { claims: verdict.claims };
    // Why the key set is out of reach is for the log (the verifier's logger), not for the client.
    if ('unavailable' in verdict) return { error: RohrpostError.AuthUnavailable };
    return { error: RohrpostError.InvalidToken, reason: verdict.error };
  };
}
