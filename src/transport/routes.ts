/**
 * The HTTP routes beside the WebSocket endpoints: `/healthz`, `/metrics` and the trigger (`POST /trigger/`, high-templar
 * 2.x's endpoint, which django-binder's `trigger()` still posts to).
 *
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../log.js';
import { refuseTrigger, type TriggerAuthOptions } from '../triggers/authorize.js';
import { decodeTrigger, type Trigger } from '../triggers/decode.js';
import { crossSite } from './origin.js';

/** What the routes need from the server. */
export interface RoutesContext {
  readonly triggerPath: string;
  readonly triggerAuth: TriggerAuthOptions;
  /** Browser origins allowed besides this server's own (the WebSocket allow-list). */
  readonly allowOrigins: readonly string[] | undefined;
  readonly maxTriggerBytes: number;
  /** Publishes a decoded trigger. */
  publishTrigger(trigger: Trigger): void;
  /** The health report, and whether it is healthy (200) or not (503). */
  health(): { readonly ok: boolean; readonly report: object };
  readonly logger: Logger;
  /** The Prometheus registry served at /metrics. */
  readonly metrics: Registry;
  /** Counts in-flight triggers, so shutdown can wait for them. */
  inflight: { count: number };
}

/** Registers `/healthz` and the trigger route. */
export async function registerRoutes(app: FastifyInstance, ctx: RoutesContext): Promise<void> {
  app.get('/metrics', async (_req, reply) => reply.type(ctx.metrics.contentType).send(await ctx.metrics.metrics()));

  app.get('/healthz', async (_req, reply) => {
    const { ok, report } = ctx.health();
    return reply.code(ok ? 200 : 503).send(report);
  });

  await app.register(async (scope) => {
    // django-binder posts the JSON body with no Content-Type (requests' `data=`): read any body as text.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: ctx.maxTriggerBytes }, (_req, body, done) => done(null, body));
    // Counted from the first header byte, so shutdown waits for a trigger whose body is still arriving.
    scope.addHook('onRequest', async (_req, reply) => {
      ctx.inflight.count++;
      reply.raw.once('close', () => ctx.inflight.count--);
    });
    scope.post(ctx.triggerPath, async (req, reply) => {
      // Backends send no Origin; a browser always does. A page on another site must not be able to trigger
      // (a loopback-trusted endpoint is reachable from any page open on that machine).
      const origin = req.headers.origin;
      if (crossSite(origin, req.headers.host, ctx.allowOrigins)) {
        ctx.logger.warn({ origin }, 'trigger refused: cross-site request');
        return reply.code(403).type('text/plain').send('cross-site triggers are not accepted');
      }
      const refusal = refuseTrigger(req.headers.authorization, req.socket.remoteAddress, ctx.triggerAuth);
      if (refusal !== undefined) {
        ctx.logger.warn({ remote: req.socket.remoteAddress }, `trigger refused: ${refusal}`);
        return reply.code(401).header('www-authenticate', 'Bearer realm="roomcast"').type('text/plain').send(refusal);
      }
      const trigger = decodeTrigger(typeof req.body === 'string' ? req.body : '');
      if ('error' in trigger) return reply.code(400).type('text/plain').send(trigger.error);
      ctx.publishTrigger(trigger);
      return reply.type('text/plain').send('publish success');
    });
  });
}
