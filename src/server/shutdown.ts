/**
 * The graceful shutdown of one node, in order: stop sweeping and consuming AMQP, stop accepting HTTP requests,
 * let triggers already accepted finish, close every socket with 1001, wait (within the grace period) for the
 * clients to go, destroy what is left, then release the WebSocket server and the layer.
 *
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from '../core/registry.js';
import type { Layer } from '../layers/layer.js';
import type { Logger } from '../log.js';
import type { AmqpTriggerSource } from '../triggers/amqp.js';
import { CloseCode } from '../wire/close-codes.js';

/** What a shutdown stops. */
export interface ShutdownParts {
  readonly http: FastifyInstance;
  readonly registry: Registry;
  readonly layer: Layer;
  readonly amqp: AmqpTriggerSource | undefined;
  /** Triggers being handled right now. */
  readonly inflight: { readonly count: number };
  /** How long in-flight triggers and closing clients are waited for, in total. */
  readonly graceMs: number;
  readonly logger: Logger;
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 10));

/** Shuts the node down; resolves once everything is released. Call once (the server keeps the promise). */
export async function shutdown(parts: ShutdownParts): Promise<void> {
  const { http, registry, layer, amqp, inflight, graceMs, logger } = parts;
  registry.stopSweeping();
  await amqp?.stop();
  const stopped = http.close();
  // Triggers already accepted are delivered before the sockets go.
  const deadline = Date.now() + graceMs;
  while (inflight.count > 0 && Date.now() < deadline) await tick();
  const conns = [...registry];
  for (const conn of conns) conn.close(CloseCode.GoingAway, 'server shutting down');
  while (registry.count() > 0 && Date.now() < deadline) await tick();
  if (registry.count() > 0) logger.warn({ remaining: registry.count() }, 'shutdown grace over: destroying sockets');
  http.server.closeAllConnections();
  await stopped;
  await layer.close();
  logger.info({}, 'roomcast stopped');
}
