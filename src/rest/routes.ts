/**
 * The REST API of an app's models (docs/rest.md): the model operations over HTTP under a prefix, each request
 * authenticated by the server's own auth strategy, so permissions and change events are exactly those of the
 * WebSocket dialects.
 *
 * | route | operation |
 * |---|---|
 * | `GET <prefix><app>/<model>/` | search (query-string filters, `page`, `limit`, `order`) |
 * | `POST <prefix><app>/<model>/` | create (201 + Location) |
 * | `POST <prefix><app>/<model>/bulk/` | create/update/delete in one transaction |
 * | `GET`/`PATCH`/`PUT`/`DELETE <prefix><app>/<model>/<key>/` | retrieve / update / save (upsert) / delete |
 * | `GET <prefix>openapi.json` | the OpenAPI 3.1 document |
 *
 * @example
 * await registerRestRoutes(app, { models, auth, prefix: '/api/', allowOrigins: undefined, maxBodyBytes: 1 << 20, authParams: ['token'], logger });
 *
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthStrategy } from '../auth/strategy.js';
import type { Identity } from '../core/identity.js';
import { redactUrl, type Logger } from '../log.js';
import type { ChangeEvent } from '../models/changes.js';
import { ModelError } from '../models/errors.js';
import type { Models } from '../models/index.js';
import type { Model } from '../models/model.js';
import type { Tx } from '../models/transaction.js';
import { parseKey } from '../models/validate.js';
import { crossSite } from '../transport/origin.js';
import { authenticate, upgradeRequestOf } from './auth.js';
import { decodeBulk, runBulk } from './bulk.js';
import { errorReply } from './errors.js';
import { openApiDocument } from './openapi.js';
import { decodeListQuery } from './query.js';
import { isPlainObject } from '../wire/json.js';

/** What the REST routes need from the server. */
export interface RestContext {
  readonly models: Models;
  /** The server's strategy, the one WebSocket upgrades use. */
  readonly auth: AuthStrategy;
  /** Where the routes live; a missing leading or trailing slash is added. */
  readonly prefix: string;
  /** Browser origins allowed to write besides this server's own (the WebSocket allow-list). */
  readonly allowOrigins: readonly string[] | undefined;
  readonly maxBodyBytes: number;
  /** Query parameters the auth strategy reads, ignored by list filters. */
  readonly authParams: readonly string[];
  readonly logger: Logger;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const isJson = (contentType: string | undefined): boolean => contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';

/** `api` → `/api/`. */
export function normalizePrefix(prefix: string): string {
  const lead = prefix.startsWith('/') ? prefix : `/${prefix}`;
  return lead.endsWith('/') ? lead : `${lead}/`;
}

/** Registers the REST routes of `ctx.models` on `app`, in their own scope (own body parser, hooks and errors). */
export async function registerRestRoutes(app: FastifyInstance, ctx: RestContext): Promise<void> {
  const prefix = normalizePrefix(ctx.prefix);
  const identities = new WeakMap<FastifyRequest, Identity>();

  const param = (req: FastifyRequest, name: string): string => (req.params as Readonly<Record<string, string | undefined>>)[name] ?? '';
  const modelOf = (req: FastifyRequest): Model => {
    const app = param(req, 'app');
    const name = param(req, 'model');
    const model = ctx.models.all().find((m) => m.definition.app.toLowerCase() === app && m.definition.snake === name);
    if (model === undefined) throw new ModelError('not-found', `no model at ${prefix}${app}/${name}/`);
    return model;
  };
  // `/:app/:model/:key` also matches `/app/model/` with an empty key, for methods the collection has no route for.
  const keyOf = (req: FastifyRequest): string => {
    const key = param(req, 'key');
    if (key === '') throw new ModelError('not-found', `no route ${req.method} ${redactUrl(req.url)}`);
    return key;
  };
  const who = (req: FastifyRequest): Identity => {
    const identity = identities.get(req);
    if (identity === undefined) throw new Error('REST request reached a handler without an identity');
    return identity;
  };
  const objectUrl = (model: Model, key: string | number): string =>
    `${prefix}${model.definition.app.toLowerCase()}/${model.definition.snake}/${encodeURIComponent(String(key))}/`;
  // Writes run in a transaction of their own so the reply can tell what happened (PUT: created or updated?)
  // from the change events themselves, which are published after commit as usual.
  const tracked = <T>(fn: (tx: Tx) => Promise<T>): Promise<{ result: T; changes: ChangeEvent[] }> =>
    ctx.models.transaction(async (tx) => {
      const result = await fn(tx);
      return { result, changes: tx.changes.map((c) => c.change) };
    });

  await app.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: ctx.maxBodyBytes }, scope.getDefaultJsonParser('error', 'error'));

      scope.addHook('onRequest', async (req, reply) => {
        if (WRITES.has(req.method)) {
          // Cookie-authenticated writes must not be triggered by a page on another site (CSRF).
          if (crossSite(req.headers.origin, req.headers.host, ctx.allowOrigins)) {
            ctx.logger.warn({ origin: req.headers.origin, method: req.method, url: redactUrl(req.url) }, 'REST write refused: cross-site request');
            return reply.code(403).send({ error: 'cross-site requests are not accepted' });
          }
          if (req.method !== 'DELETE' && !isJson(req.headers['content-type'])) return reply.code(415).send({ error: 'content-type must be application/json' });
        }
        const abort = new AbortController();
        const onGone = (): void => abort.abort();
        reply.raw.once('close', onGone);
        const result = await authenticate(ctx.auth, upgradeRequestOf(req.raw), abort.signal, ctx.logger);
        reply.raw.off('close', onGone);
        if ('error' in result) return reply.code(result.status).send({ error: result.error });
        identities.set(req, result.identity);
        return undefined;
      });

      scope.setErrorHandler((err, req, reply) => {
        const { status, body, unexpected } = errorReply(err);
        if (unexpected) ctx.logger.error({ err, method: req.method, url: redactUrl(req.url) }, 'REST request failed');
        return reply.code(status).send(body);
      });
      scope.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${redactUrl(req.url)}` }));

      const route = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void => {
        // `/api/shop/order/` and `/api/shop/order` are the same collection.
        for (const path of url.endsWith('/') ? [url, url.slice(0, -1)] : [url]) scope.route({ method, url: path, handler });
      };

      route('GET', '/openapi.json', async () => openApiDocument(ctx.models.all().map((m) => m.definition), { prefix }));

      route('GET', '/:app/:model/', async (req) => {
        const model = modelOf(req);
        const url = req.url;
        const q = url.indexOf('?');
        const decoded = decodeListQuery(new URLSearchParams(q === -1 ? '' : url.slice(q + 1)), model.definition.fields, ctx.authParams);
        if ('error' in decoded) throw new ModelError('invalid', decoded.error);
        return model.search(decoded.query, { as: who(req) });
      });

      route('POST', '/:app/:model/', async (req, reply) => {
        const model = modelOf(req);
        const identity = who(req);
        const { result, changes } = await tracked((tx) => model.create(req.body, { as: identity, tx }));
        const key = changes[0]?.key;
        if (key !== undefined) void reply.header('location', objectUrl(model, key));
        return reply.code(201).send(result);
      });

      route('POST', '/:app/:model/bulk/', async (req) => {
        const model = modelOf(req);
        const decoded = decodeBulk(req.body);
        if ('error' in decoded) throw new ModelError('invalid', `bulk: ${decoded.error}`);
        return runBulk(ctx.models, model, decoded.bulk, who(req));
      });

      route('GET', '/:app/:model/:key/', async (req) => modelOf(req).retrieve(keyOf(req), { as: who(req) }));

      route('PATCH', '/:app/:model/:key/', async (req) => modelOf(req).update(keyOf(req), req.body, { as: who(req) }));

      route('PUT', '/:app/:model/:key/', async (req, reply) => {
        const model = modelOf(req);
        const identity = who(req);
        const def = model.definition;
        const key = keyOf(req);
        const body = req.body;
        if (!isPlainObject(body)) throw new ModelError('invalid', 'save: the data must be a JSON object');
        const given = body[def.key];
        if (given !== undefined && given !== null && parseKey(def, given) !== parseKey(def, key)) {
          throw new ModelError('invalid', `save: the body's ${def.key} differs from the URL's`);
        }
        const { result, changes } = await tracked((tx) => model.save({ ...body, [def.key]: key }, { as: identity, tx }));
        const created = changes[0];
        if (created?.action !== 'create') return reply.send(result);
        return reply.code(201).header('location', objectUrl(model, created.key)).send(result);
      });

      route('DELETE', '/:app/:model/:key/', async (req) => modelOf(req).delete(keyOf(req), { as: who(req) }));
    },
    { prefix: prefix.slice(0, -1) },
  );
}
