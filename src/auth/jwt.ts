/**
 * JWT auth: the connection presents a token (Baserow-style `?jwt_token=`, `?token=`, or `Authorization: Bearer`)
 * signed with HS256 (shared secret) or RS256 (a public key, or the key its `kid` names in a JSON Web Key Set).
 * Claims give the user and the allowed rooms.
 *
 * @example
 * createServer({ auth: createJwtAuth({ secret: process.env.JWT_SECRET, audience: 'roomcast' }) })
 * createServer({ auth: createJwtAuth({ jwksUrl: 'https://issuer.example/.well-known/jwks.json', httpGet: nodeHttpGet }) })
 *
 * @module
 */
import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { Identity } from '../core/identity.js';
import { createRoomMatcher } from '../rooms/matcher.js';
import { isJsonObject, JsonNumber, parseJson, type JsonObject, type JsonValue } from '../wire/json.js';
import { quoted } from '../wire/quote.js';
import type { Logger } from '../log.js';
import type { HttpGet } from './http-get.js';
import { checkAllowedRooms } from './allowed-rooms.js';
import { createJwksCache } from './jwks.js';
import { headerValue, type AuthStrategy, type UpgradeRequest } from './strategy.js';

/** Options of {@link createJwtAuth}. Give `secret` (HS256), `publicKey` or `jwksUrl` (RS256), or several. */
export interface JwtAuthOptions {
  /** Shared secret for HS256. */
  readonly secret?: string;
  /** PEM public key (or KeyObject) for RS256. */
  readonly publicKey?: string | KeyObject;
  /** Required `aud` (one of the token's audiences). */
  readonly audience?: string;
  /** Required `iss`. */
  readonly issuer?: string;
  /**
   * Seconds of clock skew tolerated on `exp` and `nbf`. One rule everywhere: a token is valid until `exp` plus
   * this, at the upgrade, per request (rohrpost `auth_jwt`), over REST, and for the open connection, which closes
   * with 4003 then. @default 30
   */
  readonly clockToleranceSec?: number;
  /** Query parameters that may carry the token, in order. @default ['jwt_token', 'token'] */
  readonly queryParams?: readonly string[];
  /**
   * The rooms a token allows, checked as a bootstrap's `allowed_rooms` is (`checkAllowedRooms`): an element that is
   * not a room refuses the token. @default the `allowed_rooms` claim (absent: none; not a list of rooms: refused)
   */
  readonly rooms?: (claims: JsonObject) => readonly JsonValue[];
  /**
   * A JSON Web Key Set URL: RS256 tokens with a `kid` are verified with the set's key of that id; a token without
   * `kid` uses `publicKey` if given, else the set's only key. Fetched on first need and cached.
   */
  readonly jwksUrl?: string;
  /** Least time between two fetches of the set caused by unknown `kid`s (key rotation). @default 30000 */
  readonly jwksCooldownMs?: number;
  /** Age after which the set is refreshed in the background, on its next use. @default 600000 */
  readonly jwksMaxAgeMs?: number;
  /** Give up on the key set's server after this long. @default 5000 */
  readonly jwksTimeoutMs?: number;
  /** Largest key set accepted. @default 1 MiB */
  readonly jwksMaxBytes?: number;
  /** The HTTP client that fetches `jwksUrl`, e.g. `nodeHttpGet`. Required with `jwksUrl`. */
  readonly httpGet?: HttpGet;
  /** Where key set fetch failures are logged. */
  readonly logger?: Logger;
}

/** What {@link createJwtVerifier} decided about a token. */
export type JwtVerdict =
  | { readonly claims: JsonObject }
  /** The token is refused: the reason is safe to show (it names the check, never a key). */
  | { readonly error: string }
  /** Nothing could be decided (the key set cannot be fetched): `status` is the HTTP status for an upgrade. */
  | { readonly unavailable: string; readonly status: number };

/** Verifies one token: signature (by a key that may be fetched), `exp`, `nbf`, `iat`, `iss`, `aud`. Never rejects. */
export type JwtVerifier = (token: string) => Promise<JwtVerdict>;

/**
 * Why a token was refused, or its claims. `exp`, `nbf` and `iat` must be numbers when present (RFC 7519
 * NumericDates); the token is refused from `exp` + `clockToleranceSec` on ({@link jwtExpiresAt}) and before `nbf` −
 * `clockToleranceSec`. Pure apart from the clock passed in.
 */
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
    return { error: `algorithm ${quoted(JSON.stringify(header.alg) ?? 'undefined')} not accepted` };
  }
  // RFC 7519 §4.1.4-6: NumericDates, or the token is refused (a string `exp` that a check skipped never expired).
  for (const name of TIME_CLAIMS) {
    if (claims[name] !== undefined && numericDate(claims[name]) === undefined) return { error: `${name} is not a NumericDate` };
  }
  const expiresAt = jwtExpiresAt(claims, options);
  if (expiresAt !== undefined && expiresAt <= nowMs) return { error: 'token expired' };
  const nbf = numericDate(claims.nbf);
  if (nbf !== undefined && nbf * 1000 - toleranceMs(options) > nowMs) return { error: 'token not yet valid' };
  if (options.issuer !== undefined && claims.iss !== options.issuer) return { error: 'wrong issuer' };
  if (options.audience !== undefined) {
    const aud = claims.aud;
    const list = Array.isArray(aud) ? aud : [aud];
    if (!list.includes(options.audience)) return { error: 'wrong audience' };
  }
  return { claims };
}

const TIME_CLAIMS = ['exp', 'nbf', 'iat'] as const;

/** A JSON number's value (floats and big integers parse as `JsonNumber`), `undefined` for anything else. */
function numericDate(value: JsonValue | undefined): number | undefined {
  const n = value instanceof JsonNumber ? value.value : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function toleranceMs(options: Pick<JwtAuthOptions, 'clockToleranceSec'>): number {
  return (options.clockToleranceSec ?? 30) * 1000;
}

/**
 * When verified claims stop being valid (ms since epoch): `exp` plus the clock tolerance, the instant from which
 * {@link verifyJwt} refuses the token; `undefined` without `exp`. The JWT strategy's identity expires then.
 */
export function jwtExpiresAt(claims: JsonObject, options: Pick<JwtAuthOptions, 'clockToleranceSec'>): number | undefined {
  const exp = numericDate(claims.exp);
  return exp !== undefined ? exp * 1000 + toleranceMs(options) : undefined;
}

/** A token's header, or `undefined` when the token is malformed. Pure; verifies nothing. */
export function decodeJwtHeader(token: string): JsonObject | undefined {
  const parts = token.split('.');
  return parts.length === 3 && parts[0] !== undefined ? decodePart(parts[0]) : undefined;
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

/**
 * Creates a token verifier, for the upgrade strategy or for tokens sent inside messages (rohrpost's `auth_jwt`).
 * @throws TypeError listing every problem: no key given, `jwksUrl` without `httpGet`, `jwksUrl` not http(s)
 */
export function createJwtVerifier(options: JwtAuthOptions): JwtVerifier {
  const problems: string[] = [];
  if (options.secret === undefined && options.publicKey === undefined && options.jwksUrl === undefined) {
    problems.push('a secret (HS256), a publicKey or a jwksUrl (RS256) is needed');
  }
  if (options.jwksUrl !== undefined) {
    if (!/^https?:\/\/[^/]/.test(options.jwksUrl) || !URL.canParse(options.jwksUrl)) problems.push(`jwksUrl ${JSON.stringify(options.jwksUrl)} is not an http(s) URL`);
    if (options.httpGet === undefined) problems.push('jwksUrl needs an httpGet (e.g. nodeHttpGet)');
  }
  if (problems.length > 0) throw new TypeError(`JWT auth: ${problems.join('; ')}`);
  const rsaKey = options.publicKey === undefined ? undefined : typeof options.publicKey === 'string' ? createPublicKey(options.publicKey) : options.publicKey;
  const jwks =
    options.jwksUrl === undefined || options.httpGet === undefined
      ? undefined
      : createJwksCache({
          url: options.jwksUrl,
          httpGet: options.httpGet,
          ...(options.jwksCooldownMs !== undefined ? { cooldownMs: options.jwksCooldownMs } : {}),
          ...(options.jwksMaxAgeMs !== undefined ? { maxAgeMs: options.jwksMaxAgeMs } : {}),
          ...(options.jwksTimeoutMs !== undefined ? { timeoutMs: options.jwksTimeoutMs } : {}),
          ...(options.jwksMaxBytes !== undefined ? { maxBytes: options.jwksMaxBytes } : {}),
          ...(options.logger !== undefined ? { logger: options.logger } : {}),
        });
  return async (token) => {
    let key = rsaKey;
    const header = jwks === undefined ? undefined : decodeJwtHeader(token);
    // Only RS256 consults the set: an HS256 token's kid must not make us fetch, and alg checks stay in verifyJwt.
    if (jwks !== undefined && header?.alg === 'RS256') {
      const kid = header.kid;
      if (kid !== undefined && typeof kid !== 'string') return { error: 'malformed token' };
      if (kid !== undefined || rsaKey === undefined) {
        const found = await jwks.key(kid);
        if (found.kind === 'failed') return { unavailable: found.reason, status: found.status };
        if (found.kind === 'denied') return { error: found.reason };
        key = found.key;
      }
    }
    return verifyJwt(token, options, Date.now(), key);
  };
}

/** Creates the JWT strategy. @throws TypeError as {@link createJwtVerifier} does */
export function createJwtAuth(options: JwtAuthOptions): AuthStrategy {
  const verify = createJwtVerifier(options);
  const params = options.queryParams ?? ['jwt_token', 'token'];
  const roomsOf: (claims: JsonObject) => JsonValue | readonly JsonValue[] | undefined = options.rooms ?? ((claims) => claims.allowed_rooms);
  return async (request) => {
    const token = tokenOf(request, params);
    if (token === undefined) return { kind: 'denied', reason: 'no token' };
    const result = await verify(token);
    if ('unavailable' in result) return { kind: 'failed', status: result.status, reason: result.unavailable };
    if ('error' in result) return { kind: 'denied', reason: result.error };
    const { claims } = result;
    // The bootstrap's rules; a bad claim is the token's fault, never "backend unavailable": both refusals deny.
    const checked = checkAllowedRooms(roomsOf(claims));
    if (!('rooms' in checked)) return { kind: 'denied', reason: `token ${'denied' in checked ? checked.denied : checked.malformed}` };
    const expiresAt = jwtExpiresAt(claims, options);
    const identity: Identity = {
      user: claims.sub ?? null,
      rooms: createRoomMatcher(checked.rooms),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    };
    return { kind: 'allowed', identity };
  };
}
