/**
 * JSON Web Key Sets (RFC 7517) for RS256 JWTs: the pure parsing of a set and choice of a key, and a cache that
 * fetches the set on first need, refetches it when a token names an unknown `kid` (key rotation) at most once per
 * cooldown, refreshes it in the background once it is old, and keeps serving the last good set while the issuer
 * is down.
 *
 * @example
 * const jwks = createJwksCache({ url: 'https://issuer.example/.well-known/jwks.json', httpGet: nodeHttpGet });
 * const found = await jwks.key('2024-05'); // { kind: 'key', key } | { kind: 'denied', … } | { kind: 'failed', … }
 *
 * @module
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { isJsonObject, parseJson, type JsonValue } from '../wire/json.js';
import { BootstrapStatus } from './bootstrap-response.js';
import type { HttpGet, HttpGetRequest } from './http-get.js';

/** One usable key of a set. */
export interface Jwk {
  readonly kid: string | undefined;
  readonly key: KeyObject;
}

/** A key set, or why a fetched one cannot be used. */
export type JwksParsed = { readonly keys: readonly Jwk[] } | { readonly error: string };

/**
 * The RS256 verification keys of a JWKS document: `kty: "RSA"` with `use` absent or `"sig"`, `alg` absent or
 * `"RS256"`, and a modulus of at least 2048 bits; other keys are skipped. A set without one usable key is an error.
 * Pure.
 */
export function parseJwks(body: string): JwksParsed {
  const parsed = parseJson(body);
  if (!parsed.ok) return { error: `JWKS is not JSON (${parsed.error} at ${parsed.at})` };
  if (!isJsonObject(parsed.value) || !Array.isArray(parsed.value.keys)) return { error: 'JWKS has no "keys" list' };
  const keys: Jwk[] = [];
  for (const entry of parsed.value.keys) {
    const jwk = rsaSigningKey(entry);
    if (jwk !== undefined) keys.push(jwk);
  }
  return keys.length > 0 ? { keys } : { error: 'JWKS holds no RSA signing key (kty RSA, use sig, alg RS256)' };
}

function rsaSigningKey(entry: JsonValue): Jwk | undefined {
  if (!isJsonObject(entry) || entry.kty !== 'RSA') return undefined;
  if (entry.use !== undefined && entry.use !== 'sig') return undefined;
  if (entry.alg !== undefined && entry.alg !== 'RS256') return undefined;
  const { kid, n, e } = entry;
  if (typeof n !== 'string' || typeof e !== 'string' || (kid !== undefined && typeof kid !== 'string')) return undefined;
  let key: KeyObject;
  try {
    // Only the public members: a set that wrongly publishes `d` must not make us hold a private key.
    key = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' });
  } catch {
    return undefined;
  }
  // RFC 7518 §3.3: RS256 keys are 2048 bits or more; a shorter modulus is forgeable or garbage.
  return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? { kid, key } : undefined;
}

/** The key a token names by `kid`; a token without `kid` gets the only key of a one-key set. Pure. */
export function selectKey(keys: readonly Jwk[], kid: string | undefined): { readonly key: KeyObject } | { readonly error: string } {
  if (kid === undefined) {
    const [only] = keys;
    return keys.length === 1 && only !== undefined ? { key: only.key } : { error: `token has no kid and the key set holds ${keys.length} keys` };
  }
  const found = keys.find((k) => k.kid === kid);
  return found !== undefined ? { key: found.key } : { error: 'unknown key id' };
}

/** What the cache found for a `kid`: the same kinds as an auth result, so a strategy can pass them on. */
export type KeyLookup =
  | { readonly kind: 'key'; readonly key: KeyObject }
  | { readonly kind: 'denied'; readonly reason: string }
  /** No set could be fetched yet: nothing can be decided. */
  | { readonly kind: 'failed'; readonly status: number; readonly reason: string };

/** Options of {@link createJwksCache}. */
export interface JwksCacheOptions {
  /** Where the set is served (http:// or https://; redirects are not followed). */
  readonly url: string;
  /** The HTTP client; the CLI passes its node:http one. */
  readonly httpGet: HttpGet;
  /** Least time between two fetches caused by unknown `kid`s. @default 30000 */
  readonly cooldownMs?: number;
  /** Age after which the set is refreshed in the background, on its next use. @default 600000 */
  readonly maxAgeMs?: number;
  /** Give up on the issuer after this long. @default 5000 */
  readonly timeoutMs?: number;
  /** Largest set accepted. @default 1 MiB */
  readonly maxBytes?: number;
  readonly logger?: Logger;
  /** The clock, for tests. @default Date.now */
  readonly now?: () => number;
}

/** A lazily fetched, cached key set. */
export interface JwksCache {
  /** The key for a token's `kid` (`undefined` when the token names none). Never rejects. */
  key(kid: string | undefined): Promise<KeyLookup>;
}

type Fetched = { readonly keys: readonly Jwk[] };
type Failure = { readonly status: number; readonly reason: string };

// The fetch is shared by every waiting token, so no single client's going away may abort it.
const NEVER_ABORTED = new AbortController().signal;

/** Creates the cache. Nothing is fetched until the first {@link JwksCache.key}. */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const { url, httpGet } = options;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBodyBytes = options.maxBytes ?? 1024 * 1024;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  let keys: readonly Jwk[] | undefined;
  let fetchedAt = -Infinity;
  let attemptedAt = -Infinity;
  let pending: Promise<Fetched | Failure> | undefined;

  const load = async (): Promise<Fetched | Failure> => {
    attemptedAt = now();
    const outcome = await fetchJwks(httpGet, { url, headers: { accept: 'application/jwk-set+json, application/json' }, timeoutMs, maxBodyBytes, signal: NEVER_ABORTED });
    if ('keys' in outcome) {
      keys = outcome.keys;
      fetchedAt = now();
      logger.debug({ url, keys: keys.length }, 'JWKS fetched');
      return outcome;
    }
    if (keys !== undefined) logger.warn({ url, reason: outcome.reason }, 'JWKS refresh failed; keeping the cached keys');
    else logger.error({ url, reason: outcome.reason }, 'JWKS fetch failed');
    return outcome;
  };
  // Concurrent needs share one fetch.
  const refresh = (): Promise<Fetched | Failure> => {
    pending ??= load().finally(() => {
      pending = undefined;
    });
    return pending;
  };
  const mayRefetch = (): boolean => pending !== undefined || now() - attemptedAt >= cooldownMs;

  return {
    async key(kid) {
      let set = keys;
      if (set === undefined) {
        // No set yet: every need tries (shared while in flight), so auth recovers as soon as the issuer does.
        const loaded = await refresh();
        if (!('keys' in loaded)) return { kind: 'failed', status: loaded.status, reason: loaded.reason };
        set = loaded.keys;
      } else if (now() - fetchedAt >= maxAgeMs && mayRefetch()) {
        void refresh(); // the cached set answers this token; the fresh one the next
      }
      let choice = selectKey(set, kid);
      if ('error' in choice && kid !== undefined && mayRefetch()) {
        // An unknown kid: the issuer may have rotated its keys. The cooldown keeps forged kids from hammering it.
        const loaded = await refresh();
        if ('keys' in loaded) choice = selectKey(loaded.keys, kid);
      }
      return 'key' in choice ? { kind: 'key', key: choice.key } : { kind: 'denied', reason: choice.error };
    },
  };
}

async function fetchJwks(httpGet: HttpGet, request: HttpGetRequest): Promise<Fetched | Failure> {
  let answer: Awaited<ReturnType<HttpGet>>;
  try {
    answer = await httpGet(request);
  } catch (err) {
    // HttpGet promises never to reject; an injected one that does must not become an unhandled rejection.
    return { status: BootstrapStatus.BadGateway, reason: `JWKS unreachable: ${err instanceof Error ? err.message : String(err)}` };
  }
  if ('failure' in answer) {
    return { status: answer.failure === 'timeout' ? BootstrapStatus.Timeout : BootstrapStatus.BadGateway, reason: `JWKS ${answer.failure}: ${answer.detail}` };
  }
  if (answer.status !== 200) return { status: BootstrapStatus.BadGateway, reason: `JWKS answered ${answer.status}` };
  const parsed = parseJwks(answer.body);
  return 'error' in parsed ? { status: BootstrapStatus.BadGateway, reason: parsed.error } : parsed;
}
