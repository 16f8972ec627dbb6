/**
 * The bootstrap proxy: asks the app's backend (`GET {apiUrl}bootstrap/`) who a connecting client is, forwarding
 * its cookie, user agent, IP, CSRF token and `?token=` (high-templar dossier §1.2–1.3).
 *
 * @example
 * createServer({ auth: createBootstrapAuth({ apiUrl: 'http://127.0.0.1:8000/api/' }) })
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { BootstrapStatus, interpretBootstrap } from './bootstrap-response.js';
import { forwardHeaders, mergeForward, type HeaderSource } from './forward.js';
import type { HttpGet } from './http-get.js';
import type { AuthResult, AuthStrategy } from './strategy.js';

/** Options of {@link createBootstrapAuth}. */
export interface BootstrapAuthOptions {
  /** The backend's API root, ending in `/`; `bootstrap/` is appended. */
  readonly apiUrl: string;
  /** Dial the backend over this unix socket (the URL still gives path and Host). */
  readonly apiSocket?: string;
  /** Extra or replaced forwarded headers; `null` drops a default one. */
  readonly forwardHeaders?: Readonly<Record<string, HeaderSource | null>>;
  /** Give up on the backend after this long; the upgrade fails with 504. @default 5000 */
  readonly timeoutMs?: number;
  /** Largest bootstrap body accepted. @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** Distinct bootstrap answers whose identities are kept for reuse. @default 1024 */
  readonly cacheSize?: number;
  /** The HTTP client; the server passes its node:http one. */
  readonly httpGet: HttpGet;
  readonly logger?: Logger;
}

/** Creates the bootstrap proxy strategy. */
export function createBootstrapAuth(options: BootstrapAuthOptions): AuthStrategy {
  const url = `${options.apiUrl}bootstrap/`;
  const specs = mergeForward(options.forwardHeaders);
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const logger = options.logger ?? silentLogger;
  const cacheSize = options.cacheSize ?? 1024;
  // Connections whose backend answered the same body share one identity (and one room matcher): many tabs of
  // one user, or many anonymous visitors, cost one identity. Keyed by a hash, so a large body costs 40 bytes.
  const identities = new Map<string, AuthResult>();

  return async (request, signal) => {
    const answer = await options.httpGet({
      url,
      headers: forwardHeaders(request, specs),
      ...(options.apiSocket !== undefined ? { socketPath: options.apiSocket } : {}),
      timeoutMs,
      maxBodyBytes,
      signal,
    });
    if ('failure' in answer) {
      const status = answer.failure === 'timeout' ? BootstrapStatus.Timeout : BootstrapStatus.BadGateway;
      if (answer.failure !== 'aborted') logger.error({ url, failure: answer.failure, detail: answer.detail }, 'bootstrap failed');
      return { kind: 'failed', status, reason: `bootstrap ${answer.failure}: ${answer.detail}` };
    }
    const key = `${answer.status} ${answer.contentType}\n${createHash('sha1').update(answer.body).digest('base64')}`;
    const known = identities.get(key);
    if (known !== undefined) {
      identities.delete(key); // most recently used goes last
      identities.set(key, known);
      return known;
    }
    const result = interpretBootstrap(answer);
    if (result.kind === 'failed') {
      logger.error({ url, reason: result.reason }, 'bootstrap answer unusable');
      return result;
    }
    identities.set(key, result);
    if (identities.size > cacheSize) identities.delete(identities.keys().next().value as string);
    return result;
  };
}
