/**
 * The HTTP server under fastify: triggers are answered on the raw request (trigger-endpoint.ts), everything else
 * goes to fastify's router. Given to fastify as its `serverFactory`, with the timeouts fastify would have set on a
 * server of its own.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import type { TriggerEndpoint } from './trigger-endpoint.js';

/** A fastify `serverFactory` whose server lets `trigger` take its requests first. */
export function triggerFirst(trigger: TriggerEndpoint): FastifyServerFactory<Server> {
  return (handler, options) => {
    const server = createServer((req, res) => {
      if (!trigger(req, res)) handler(req, res);
    });
    // fastify's own server gets these from its (defaulted) options; a factory's server has to take them itself.
    const { keepAliveTimeout, requestTimeout, connectionTimeout, maxRequestsPerSocket } = options as Record<string, number | undefined>;
    if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
    if (requestTimeout !== undefined) server.requestTimeout = requestTimeout;
    if (connectionTimeout !== undefined) server.setTimeout(connectionTimeout);
    if (maxRequestsPerSocket !== undefined && maxRequestsPerSocket > 0) server.maxRequestsPerSocket = maxRequestsPerSocket;
    return server;
  };
}
