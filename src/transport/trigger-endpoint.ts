/**
 * `POST /trigger/` (high-templar 2.x's endpoint, which django-binder's `trigger()` still posts to), answered on
 * the raw `node:http` request ahead of fastify's pipeline.
 *
 * Why not a fastify route: this is the publish hot path, and every microsecond before the first frame is written
 * is publish→receive latency. In the benchmark's latency run (issue 3), fastify's routing, hooks and body parser
 * took a trigger 305 µs from request to handler, while the bare `ws` loop had written its first frame 214 µs after
 * its request; here the handler runs 188 µs after it. What fastify gave this one route (a body limit, text bodies
 * of any Content-Type, 503 while closing) is the few lines below; every other route stays with fastify.
 *
 * Order of checks: cross-site (403) and credentials (401) from the headers, before any body is read; then the
 * body limit (413); then the trigger itself (400, {@link decodeTrigger}). A refused request's connection is
 * closed after the answer, so its unread body cannot be taken for the next request.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { refuseTrigger, type TriggerAuthOptions } from '../triggers/authorize.js';
import { decodeTrigger, type Trigger } from '../triggers/decode.js';
import { crossSite } from './origin.js';

/** What the trigger endpoint needs from the server. */
export interface TriggerEndpointOptions {
  readonly path: string;
  readonly auth: TriggerAuthOptions;
  /** Browser origins allowed besides this server's own (the WebSocket allow-list). */
  readonly allowOrigins: readonly string[] | undefined;
  readonly maxBytes: number;
  /** Publishes a decoded trigger. */
  publish(trigger: Trigger): void;
  /** Whether the server is shutting down (new triggers get 503; those already arriving are delivered). */
  isClosing(): boolean;
  /** Counts triggers being handled, from their first header byte, so shutdown can wait for them. */
  readonly inflight: { count: number };
  readonly logger: Logger;
}

/** Handles the request when it is a trigger (`POST` to the trigger path) and says whether it did. */
export type TriggerEndpoint = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Creates the endpoint. */
export function createTriggerEndpoint(options: TriggerEndpointOptions): TriggerEndpoint {
  const { path, logger, inflight } = options;
  const settle = (): void => void inflight.count--;
  return (req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'POST' || !url.startsWith(path) || (url.length !== path.length && url[path.length] !== '?')) return false;
    inflight.count++;
    res.on('close', settle);
    if (options.isClosing()) return answer(res, 503, 'server is shutting down', true);
    // Backends send no Origin; a browser always does. A page on another site must not be able to trigger (a
    // loopback-trusted endpoint is reachable from any page open on that machine).
    const origin = req.headers.origin;
    if (crossSite(origin, req.headers.host, options.allowOrigins)) {
      logger.warn({ origin }, 'trigger refused: cross-site request');
      return answer(res, 403, 'cross-site triggers are not accepted', true);
    }
    const refusal = refuseTrigger(req.headers.authorization, req.socket.remoteAddress, options.auth);
    if (refusal !== undefined) {
      logger.warn({ remote: req.socket.remoteAddress }, `trigger refused: ${refusal}`);
      res.setHeader('www-authenticate', 'Bearer realm="roomcast"');
      return answer(res, 401, refusal, true);
    }
    const tooLarge = `trigger body larger than ${options.maxBytes} bytes`;
    if (Number(req.headers['content-length'] ?? 0) > options.maxBytes) return answer(res, 413, tooLarge, true);
    // django-binder posts the JSON body with no Content-Type (requests' `data=`): any body is read as UTF-8 text,
    // decoded once at the end (a backend's trigger nearly always arrives in one chunk).
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > options.maxBytes) {
        if (!res.headersSent) answer(res, 413, tooLarge, true);
        return;
      }
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    req.on('end', () => {
      if (bytes > options.maxBytes) return;
      const body = more !== undefined ? Buffer.concat(more, bytes).toString('utf8') : (first?.toString('utf8') ?? '');
      const trigger = decodeTrigger(body);
      if ('error' in trigger) return void answer(res, 400, trigger.error, false);
      options.publish(trigger);
      answer(res, 200, 'publish success', false);
    });
    // An aborted upload: nothing was published, and 'close' settles the count.
    req.on('error', () => {});
    return true;
  };
}

/** Answers in plain text; `close` ends the connection after it (its request body may be unread). */
function answer(res: ServerResponse, status: number, text: string, close: boolean): true {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...(close ? { connection: 'close' } : {}) });
  res.end(text);
  return true;
}
