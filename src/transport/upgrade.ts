/**
 * The WebSocket upgrade: route by path, check Origin, authenticate *before* completing the handshake (so a
 * failing backend becomes an HTTP status, as documented in docs/protocols/templar.md), then hand the socket over.
 *
 * @module
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AuthResult, AuthStrategy, UpgradeRequest } from '../auth/strategy.js';
import type { Dialect } from '../dialects/dialect.js';
import { redactUrl, type Logger } from '../log.js';
import { CloseCode } from '../wire/close-codes.js';
import { originAllowed } from './origin.js';
import { checkUpgrade } from './rfc6455/handshake.js';
import { WebSocketConnection, destroyLater } from './websocket.js';

/** What the upgrade handler needs from the server. */
export interface UpgradeContext {
  /** The largest message a client may send, in bytes. */
  readonly maxFrameBytes: number;
  /** Dialects by path without trailing slash. */
  readonly routes: ReadonlyMap<string, Dialect>;
  readonly auth: AuthStrategy;
  readonly allowOrigins: readonly string[] | undefined;
  readonly logger: Logger;
  /** Whether the server is shutting down (upgrades get 503). */
  isClosing(): boolean;
  /** A client that passed auth (or was denied and must be told so) is connected. */
  opened(socket: WebSocketConnection, dialect: Dialect, result: Exclude<AuthResult, { kind: 'failed' }>, request: UpgradeRequest): void;
}

/** Public texts of upgrade rejections: they say what failed, never why in detail (that is in the log). */
const REJECTION: Readonly<Record<number, string>> = {
  403: 'origin not allowed',
  404: 'no WebSocket endpoint at this path',
  502: 'authentication backend unavailable',
  503: 'server is shutting down',
  504: 'authentication backend timed out',
};

/** Strips one trailing slash: `/ws/` and `/ws` are the same endpoint. */
export function routeKey(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

// A module-level listener: a closure here would share the handler's context and keep the request, its headers
// and the AbortController alive for as long as the socket lives (measured: ~2 KiB per connection).
function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** Creates the `upgrade` event listener of the HTTP server. */
export function createUpgradeHandler(ctx: UpgradeContext): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on('error', destroyOnError);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const dialect = ctx.routes.get(routeKey(path));
    if (ctx.isClosing()) return reject(socket, 503);
    if (dialect === undefined) return reject(socket, 404);
    const origin = req.headers.origin;
    if (!originAllowed(origin, ctx.allowOrigins)) {
      ctx.logger.warn({ origin, path }, 'upgrade refused: origin not allowed');
      return reject(socket, 403);
    }
    // A malformed handshake is refused before it costs a bootstrap round-trip.
    const handshake = checkUpgrade(req.method, req.headers);
    if (!handshake.ok) return reject(socket, handshake.status, handshake.reason, handshake.headers);
    const request = upgradeRequest(req, url, q);
    const abort = new AbortController();
    const onGone = (): void => abort.abort();
    socket.once('close', onGone);
    ctx.auth(request, abort.signal).then(
      (result) => {
        socket.off('close', onGone);
        if (socket.destroyed) return;
        if (ctx.isClosing()) return reject(socket, 503);
        if (result.kind === 'failed') {
          ctx.logger.warn({ url: redactUrl(url), status: result.status, reason: result.reason }, 'upgrade refused: auth failed');
          return reject(socket, result.status);
        }
        if (!socket.writable) return void socket.destroy();
        // The WebSocket installs its own error handling on the socket.
        socket.off('error', destroyOnError);
        const ws = new WebSocketConnection(socket, handshake.key, handshake.protocol, ctx.maxFrameBytes);
        try {
          ctx.opened(ws, dialect, result, request);
        } catch (err) {
          // A dialect's open that throws loses this client only.
          ctx.logger.error({ err, url: redactUrl(url) }, 'opening the connection failed');
          ws.closeSoon(CloseCode.InternalError, 'internal error');
        }
        ws.start(head);
      },
      (err: unknown) => {
        socket.off('close', onGone);
        ctx.logger.error({ err, url: redactUrl(url) }, 'auth strategy threw');
        reject(socket, 502);
      },
    );
  };
}

/**
 * What auth strategies see of the request. The peer address is read only if a strategy asks: reading it makes
 * Node keep it on the socket for the connection's lifetime.
 */
function upgradeRequest(req: IncomingMessage, url: string, q: number): UpgradeRequest {
  const socket = req.socket;
  return {
    url,
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers: req.headers,
    get remoteAddress(): string {
      return socket.remoteAddress ?? '';
    },
  };
}

function reject(socket: Duplex, status: number, text?: string, headers = ''): void {
  if (socket.destroyed) return;
  const body = text ?? REJECTION[status] ?? STATUS_CODES[status] ?? 'error';
  // Whatever the client sends from now on is discarded: on a paused socket, bytes left unread would hide the
  // client's FIN and keep the socket (and the server's close) pending for good.
  socket.resume();
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // A client that never closes its half (the server's socket allows half-open connections) is cut off.
  destroyLater(socket);
}
