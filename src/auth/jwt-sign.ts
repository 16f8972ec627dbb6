/**
 * Minting HS256 tokens that {@link createJwtAuth} with the same `secret` accepts: for development (`roomcast token`),
 * tests, or a Node backend that issues its clients' tokens. Pure apart from the clock, which is passed in.
 *
 * @example
 * const token = signJwt({ sub: '42', allowed_rooms: [{ chat: 'lobby' }] }, process.env.JWT_SECRET, { ttlSec: 3600 });
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import type { JsonObject } from '../wire/json.js';

/** Options of {@link signJwt}. */
export interface SignJwtOptions {
  /** Seconds until `exp`; with it `iat` and `exp` are set. @default no `exp` (a token that never expires) */
  readonly ttlSec?: number;
  /** The clock in ms since epoch. @default Date.now() */
  readonly nowMs?: number;
}

/**
 * An HS256 JWT of `claims` (`iat` and `exp` added with `ttlSec`). The claims are written as `JSON.stringify`
 * writes them. @throws TypeError when `secret` is missing or empty, or `ttlSec` is not a positive number
 */
export function signJwt(claims: Readonly<Record<string, unknown>>, secret: string, options: SignJwtOptions = {}): string {
  // JavaScript callers pass `process.env.X` unchecked: an unset one must not sign with the text "undefined".
  if (typeof secret !== 'string' || secret === '') throw new TypeError('signJwt: the secret is missing or empty');
  const { ttlSec } = options;
  if (ttlSec !== undefined && !(Number.isFinite(ttlSec) && ttlSec > 0)) throw new TypeError(`signJwt: ttlSec ${ttlSec} is not a positive number of seconds`);
  const now = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const payload: Record<string, unknown> = ttlSec === undefined ? { ...claims } : { ...claims, iat: now, exp: now + Math.ceil(ttlSec) };
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

function part(value: JsonObject | Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
