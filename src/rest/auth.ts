/**
 * REST requests are authenticated by the server's own {@link AuthStrategy}, given the same view of the request
 * as a WebSocket upgrade gets: the same cookies, headers, `?token=` and address give the same identity. The
 * outcomes map to the statuses the upgrade uses (docs/rest.md, "Auth").
 *
 * @module
 */
import type { AuthStrategy, UpgradeRequest } from '../auth/strategy.js';
import type { Identity } from '../core/identity.js';
import { redactUrl, type Logger } from '../log.js';

/** The parts of an incoming HTTP request a strategy sees (node's IncomingMessage has them). */
export interface HttpRequestLike {
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

/** Who the caller is, or the status and message to refuse it with. */
export type RestAuthResult = { readonly identity: Identity } | { readonly status: number; readonly error: string };

/** An HTTP request as the {@link UpgradeRequest} strategies take. */
export function upgradeRequestOf(req: HttpRequestLike): UpgradeRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    url,
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress ?? '',
  };
}

/**
 * Runs the strategy: allowed → the identity (unless it has expired: 401); denied → 401; failed → the strategy's
 * status (502 backend unavailable, 504 timed out); a throwing strategy → 502. Reasons go to the log, not the client.
 */
export async function authenticate(strategy: AuthStrategy, request: UpgradeRequest, signal: AbortSignal, logger: Logger, now = Date.now()): Promise<RestAuthResult> {
  let result;
  try {
    result = await strategy(request, signal);
  } catch (err) {
    logger.error({ err, url: redactUrl(request.url) }, 'auth strategy threw');
    return { status: 502, error: 'authentication backend unavailable' };
  }
  if (result.kind === 'failed') {
    logger.warn({ url: redactUrl(request.url), status: result.status, reason: result.reason }, 'REST request refused: auth failed');
    return { status: result.status, error: result.status === 504 ? 'authentication backend timed out' : 'authentication backend unavailable' };
  }
  if (result.kind === 'denied') {
    logger.debug({ url: redactUrl(request.url), reason: result.reason }, 'REST request not authorized');
    return { status: 401, error: 'not authorized' };
  }
  if (result.identity.expiresAt !== undefined && result.identity.expiresAt <= now) return { status: 401, error: 'credentials expired' };
  return { identity: result.identity };
}
