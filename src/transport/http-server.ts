/**
 * The HTTP server under fastify: triggers are answered on the raw request (trigger-endpoint.ts), everything else
 * goes to fastify's router. Given to fastify as its `serverFactory`, with the timeouts fastify would have set on a
 * server of its own, and a header deadline of roomcast's own.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import type { TriggerEndpoint } from './trigger-endpoint.js';

/**
 * How often node:http looks for connections past their header deadline of `headersTimeoutMs`: a tenth of it, at
 * most a second (as the idle sweep), so a client is cut off at most that long after its deadline. The check walks
 * only connections whose request is incomplete. With no deadline (`0`) it finds nothing: node's 30 s.
 */
export function headersCheckInterval(headersTimeoutMs: number): number {
  return headersTimeoutMs > 0 ? Math.max(10, Math.min(1000, Math.floor(headersTimeoutMs / 10))) : 30_000;
}

/**
 * A fastify `serverFactory` whose server lets `trigger` take its requests first. A connection that has not sent
 * a complete request head `headersTimeoutMs` after it opened, or after it began its next request, gets 408 and
 * is closed (`0`: never): that covers a client that sends nothing, a partial request line or partial headers,
 * of an HTTP request or a WebSocket upgrade alike (the upgrade is only an upgrade once its head is complete).
 */
export function triggerFirst(trigger: TriggerEndpoint, headersTimeoutMs: number): FastifyServerFactory<Server> {
  return (handler, options) => {
    // fastify's own server gets these from its (defaulted) options; a factory's server has to take them itself.
    const { keepAliveTimeout, requestTimeout, connectionTimeout, maxRequestsPerSocket } = options as Record<string, number | undefined>;
    // node:http's own deadline for request heads (60 s, checked every 30 s: slowloris clients held for 90 s).
    // requestTimeout goes in with it: node:http refuses a header deadline above the request deadline it defaults to.
    const server = createServer(
      {
        headersTimeout: headersTimeoutMs,
        connectionsCheckingInterval: headersCheckInterval(headersTimeoutMs),
        ...(requestTimeout !== undefined ? { requestTimeout } : {}),
      },
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
