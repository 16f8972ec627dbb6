/**
 * The HTTP server under fastify: triggers are answered on the raw request (trigger-endpoint.ts), everything else
 * goes to fastify's router. Given to fastify as its `serverFactory`, with the timeouts fastify would have set on a
 * server of its own, and deadlines of roomcast's own for a request's head and for the whole request.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import { DEFAULTS, TIMEOUT_LIMIT, type ServerOptions } from '../options.js';
import type { TriggerEndpoint } from './trigger-endpoint.js';

/** How long a client may take to send a request's head, and the whole request; `0` is no deadline. */
export interface HttpDeadlines {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * The deadlines of `options` with their defaults (the request deadline is never below the header deadline by
 * default), checked as node:http checks them.
 * @throws RangeError when one is not a whole number of milliseconds from 0 to {@link TIMEOUT_LIMIT}, or the request
 * deadline is shorter than the header deadline ({@link requestBeforeHead})
 */
export function httpDeadlines(options: Pick<ServerOptions, 'headersTimeoutMs' | 'requestTimeoutMs'>): HttpDeadlines {
  const deadlines = withDefaultDeadlines(options);
  const { headersTimeoutMs, requestTimeoutMs } = deadlines;
  for (const [name, ms] of [['headersTimeoutMs', headersTimeoutMs], ['requestTimeoutMs', requestTimeoutMs]] as const) {
    if (!Number.isInteger(ms) || ms < 0 || ms > TIMEOUT_LIMIT) throw new RangeError(`${name} must be an integer from 0 to ${TIMEOUT_LIMIT}, got ${ms}`);
  }
  if (requestBeforeHead(deadlines)) {
    throw new RangeError(`requestTimeoutMs (${requestTimeoutMs}) must be 0 or at least headersTimeoutMs (${headersTimeoutMs})`);
  }
  return deadlines;
}

/** The deadlines of `options` with their defaults, unchecked: the request deadline defaults to at least the header one. Pure. */
export function withDefaultDeadlines(options: Pick<ServerOptions, 'headersTimeoutMs' | 'requestTimeoutMs'>): HttpDeadlines {
  const headersTimeoutMs = options.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs;
  return { headersTimeoutMs, requestTimeoutMs: options.requestTimeoutMs ?? Math.max(DEFAULTS.requestTimeoutMs, headersTimeoutMs) };
}

/**
 * Whether the whole request would be due before its head: a request deadline (not 0) shorter than the header
 * deadline, which node:http refuses too. Pure; the CLI states it in its flags' names.
 */
export function requestBeforeHead(deadlines: HttpDeadlines): boolean {
  return deadlines.requestTimeoutMs > 0 && deadlines.headersTimeoutMs > deadlines.requestTimeoutMs;
}

/**
 * How often node:http looks for connections past a deadline: a tenth of the shorter one, at most a second (as the
 * idle sweep), so a client is cut off at most that long after its deadline. The check walks only connections
 * whose request is incomplete. With no deadline (`0`, `0`) it finds nothing: node's 30 s.
 */
export function deadlineCheckInterval(headersTimeoutMs: number, requestTimeoutMs: number): number {
  const shortest = Math.min(...[headersTimeoutMs, requestTimeoutMs].filter((ms) => ms > 0));
  return Number.isFinite(shortest) ? Math.max(10, Math.min(1000, Math.floor(shortest / 10))) : 30_000;
}

/**
 * A fastify `serverFactory` whose server lets `trigger` take its requests first. A connection that has not sent
 * a complete request head `headersTimeoutMs` after it opened, or after it began its next request, gets 408 and
 * is closed: that covers a client that sends nothing, a partial request line or partial headers, of an HTTP
 * request or a WebSocket upgrade alike (the upgrade is only an upgrade once its head is complete). The same for
 * a request whose body is not complete `requestTimeoutMs` after that start. Once a request is complete its
 * connection is no longer timed, so slow handlers, idle keep-alive connections and upgraded sockets are left alone.
 */
export function triggerFirst(trigger: TriggerEndpoint, deadlines: HttpDeadlines): FastifyServerFactory<Server> {
  const { headersTimeoutMs, requestTimeoutMs } = deadlines;
  return (handler, options) => {
    // fastify's own server gets these from its (defaulted) options; a factory's server has to take them itself.
    // Not fastify's requestTimeout: it is 0 unless set, and the deadline is roomcast's.
    const { keepAliveTimeout, connectionTimeout, maxRequestsPerSocket } = options as Record<string, number | undefined>;
    // node:http's own deadlines (60 s for heads, 300 s for requests, checked every 30 s) held slowloris clients
    // for 90 s; and fastify turns the request deadline off.
    const server = createServer(
      { headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: deadlineCheckInterval(headersTimeoutMs, requestTimeoutMs) },
      (req, res) => {
        if (!trigger(req, res)) handler(req, res);
      },
    );
    if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
    if (connectionTimeout !== undefined) server.setTimeout(connectionTimeout);
    if (maxRequestsPerSocket !== undefined && maxRequestsPerSocket > 0) server.maxRequestsPerSocket = maxRequestsPerSocket;
    return server;
  };
}
