/**
 * JWT auth: the connection presents a token (Baserow-style `?jwt_token=`, `?token=`, or `Authorization: Bearer`)
 * signed with HS256 (shared secret) or RS256 (public key). Claims give the user and the allowed rooms.
 *
 * @example
 * createServer({ auth: createJwtAuth({ secret: process.env.JWT_SECRET, audience: 'roomcast' }) })
 *
 * @module
 */
import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { Identity } from '../core/identity.js';
import { createRoomMatcher } from '../rooms/matcher.js';
import { toRoom, type Room } from '../rooms/room.js';
import { isJsonObject, parseJson, type JsonObject, type JsonValue } from '../wire/json.js';
import { headerValue, type AuthStrategy, type UpgradeRequest } from './strategy.js';

/** Options of {@link createJwtAuth}. Give `secret` (HS256), `publicKey` (RS256), or both. */
export interface JwtAuthOptions {
  /** Shared secret for HS256. */
  readonly secret?: string;
  /** PEM public key (or KeyObject) for RS256. */
  readonly publicKey?: string | KeyObject;
  /** Required `aud` (one of the token's audiences). */
  readonly audience?: string;
  /** Required `iss`. */
  readonly issuer?: string;
  /** Seconds of clock skew tolerated on `exp` and `nbf`. @default 30 */
  readonly clockToleranceSec?: number;
  /** Query parameters that may carry the token, in order. @default ['jwt_token', 'token'] */
  readonly queryParams?: readonly string[];
  /** The rooms a token allows. @default the `allowed_rooms` claim (a list of room objects) */
  readonly rooms?: (claims: JsonObject) => readonly JsonValue[];
}

/** Why a token was refused, or its claims. Pure apart from the clock passed in. */
export function verifyJwt(token: string, options: JwtAuthOptions, nowMs: number, rsaKey?: KeyObject): { claims: JsonObject } | { error: string } {
  const parts = token.split('.');
  if (parts.length !== 3) return { error: 'malformed token' };
  const [h, p, s] = parts as [string, string, string];
  const header = decodePart(h);
  const claims = decodePart(p);
  if (header === undefined || claims === undefined) return { error: 'malformed token' };
  const signed = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  // The algorithm must be one we hold a key for: never `none`, never HS256 with a public key as secret.
  if (header.alg === 'HS256' && options.secret !== undefined) {
    const expected = createHmac('sha256', options.secret).update(signed).digest();
    if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) return { error: 'bad signature' };
  } else if (header.alg === 'RS256' && rsaKey !== undefined) {
    if (!verify('RSA-SHA256', signed, rsaKey, signature)) return { error: 'bad signature' };
  } else {
    return { error: `algorithm ${JSON.stringify(header.alg)} not accepted` };
  }
  const tolerance = (options.clockToleranceSec ?? 30) * 1000;
  if (typeof claims.exp === 'number' && claims.exp * 1000 + tolerance <= nowMs) return { error: 'token expired' };
  if (typeof claims.nbf === 'number' && claims.nbf * 1000 - tolerance > nowMs) return { error: 'token not yet valid' };
  if (options.issuer !== undefined && claims.iss !== options.issuer) return { error: 'wrong issuer' };
  if (options.audience !== undefined) {
    const aud = claims.aud;
    const list = Array.isArray(aud) ? aud : [aud];
    if (!list.includes(options.audience)) return { error: 'wrong audience' };
  }
  return { claims };
}

function decodePart(part: string): JsonObject | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  const parsed = parseJson(Buffer.from(part, 'base64url').toString('utf8'));
  return parsed.ok && isJsonObject(parsed.value) ? parsed.value : undefined;
}

function tokenOf(request: UpgradeRequest, params: readonly string[]): string | undefined {
  for (const name of params) {
    const value = request.query.get(name);
    if (value !== null && value !== '') return value;
  }
  const auth = headerValue(request, 'authorization');
  return auth !== undefined && /^bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
}

/** Creates the JWT strategy. @throws TypeError when neither `secret` nor `publicKey` is given */
export function createJwtAuth(options: JwtAuthOptions): AuthStrategy {
  if (options.secret === undefined && options.publicKey === undefined) throw new TypeError('createJwtAuth needs a secret (HS256) or a publicKey (RS256)');
  const rsaKey = options.publicKey === undefined ? undefined : typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
  const params = options.queryParams ?? ['jwt_token', 'token'];
  const roomsOf = options.rooms ?? ((claims: JsonObject) => (Array.isArray(claims.allowed_rooms) ? claims.allowed_rooms : []));
  return async (request) => {
    const token = tokenOf(request, params);
    if (token === undefined) return { kind: 'denied', reason: 'no token' };
    const result = verifyJwt(token, options, Date.now(), rsaKey);
    if ('error' in result) return { kind: 'denied', reason: result.error };
    const rooms: Room[] = [];
    for (const value of roomsOf(result.claims)) {
      const room = toRoom(value);
      if (room !== undefined) rooms.push(room);
    }
    const { claims } = result;
    const identity: Identity = {
      user: claims.sub ?? null,
      rooms: createRoomMatcher(rooms),
      ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp * 1000 } : {}),
    };
    return { kind: 'allowed', identity };
  };
}
