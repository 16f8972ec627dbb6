/**
 * The HTTP routes beside the WebSocket endpoints: `/healthz` and `/metrics`. The trigger (`POST /trigger/`) is
 * answered ahead of fastify (trigger-endpoint.ts).
 *
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** What the routes need from the server. */
export interface RoutesContext {
  /** The health report, and whether it is healthy (200) or not (503). */
  health(): { readonly ok: boolean; readonly report: object };
  /** The Prometheus registry served at /metrics. */
  readonly metrics: Registry;
}

/** Registers `/healthz` and `/metrics`. */
export function registerRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  app.get('/metrics', async (_req, reply) => reply.type(ctx.metrics.contentType).send(await ctx.metrics.metrics()));

  app.get('/healthz', async (_req, reply) => {
    const { ok, report } = ctx.health();
    return reply.code(ok ? 200 : 503).send(report);
  });
}
