/**
 * `roomcast demo`: the server plus a stub django-binder backend on the same port and a page at `/` showing the
 * room model of a chain of shops — branch managers allowed one `{location}`, a CEO allowed `{location: "*"}` — with
 * subscriptions and triggers arriving live, and a model (`demo.Order`, in SQLite) whose REST writes reach the
 * other users' pages as templar publishes, filtered by who may read them. The stub answers
 * `GET /demo/api/bootstrap/` by `?token=`, and roomcast reaches it through the real bootstrap proxy, as it would
 * reach Django; REST requests to `/api/demo/order/?token=…` are authenticated the same way.
 *
 * @example
 * const demo = await withDemo(options, logger, { store: 'sqlite::memory:' });
 * const server = createServer(demo.options);
 * demo.afterListen((await server.listen()).url);
 * // on shutdown: await server.close(); await demo.close();
 *
 * @module
 */
import { createBootstrapAuth } from '../auth/bootstrap.js';
import type { AuthStrategy } from '../auth/strategy.js';
import { hideCredentials, type Logger } from '../log.js';
import { createModels, openStore, type Model, type Models, type Store } from '../models/index.js';
import type { ServerOptions } from '../options.js';
import { nodeHttpGet } from '../transport/http-client.js';
import { defineOrders, mayJoinGroup, seedOrders } from './orders.js';
import { DEMO_PAGE } from './page.js';

/** The demo's users, by token. */
export const DEMO_USERS: Readonly<Record<string, { name: string; allowed_rooms: Record<string, string>[] }>> = {
  delft: { name: 'Branch manager, Delft', allowed_rooms: [{ location: 'Delft' }] },
  eindhoven: { name: 'Branch manager, Eindhoven', allowed_rooms: [{ location: 'Eindhoven' }] },
  ceo: { name: 'CEO', allowed_rooms: [{ location: '*' }] },
};

/** Where the demo keeps its orders when not told: in memory, so it leaves no file behind. */
export const DEMO_STORE = 'sqlite::memory:';

/** Options of {@link withDemo}. */
export interface DemoOptions {
  /** The store of the orders, unless `options.models` brings one (`--models`). @default {@link DEMO_STORE} */
  readonly store?: string;
}

/** A prepared demo: server options to start with, and what to do once listening and after closing. */
export interface Demo {
  readonly options: ServerOptions;
  /** The `demo.Order` model. */
  readonly orders: Model;
  /** Points the bootstrap proxy at the stub backend on the server's own address. */
  afterListen(url: string): void;
  /** Closes the store the demo opened (not one that came with `options.models`). */
  close(): Promise<void>;
}

/**
 * Adds the demo routes, the stub backend and the orders model to `options`: opens the store (unless `options.models`
 * has one, which then gets the model too), creates the table and seeds a few orders when it is empty.
 */
export async function withDemo(options: ServerOptions, logger: Logger, demo: DemoOptions = {}): Promise<Demo> {
  let opened: Store | undefined;
  let models: Models;
  if (options.models !== undefined) {
    models = options.models;
  } else {
    opened = await openStore(demo.store ?? DEMO_STORE);
    models = createModels(opened);
  }
  let orders: Model;
  try {
    orders = defineOrders(models);
    await models.migrate();
    await seedOrders(orders);
  } catch (err) {
    await opened?.close();
    throw err;
  }

  let inner: AuthStrategy | undefined;
  const auth: AuthStrategy = async (request, signal) =>
    inner !== undefined ? inner(request, signal) : { kind: 'failed', status: 503, reason: 'demo not started' };
  return {
    orders,
    options: {
      ...options,
      models,
      auth: options.bootstrap !== undefined ? (options.auth ?? auth) : auth,
      // rohrpost clients join the location groups the orders are published to, where the user's rooms allow it.
      rohrpost: { ...options.rohrpost, canSubscribe: options.rohrpost?.canSubscribe ?? mayJoinGroup },
      // The page triggers from the browser: accept triggers from this machine without a secret.
      trigger: { ...options.trigger, allowLoopback: true },
      routes: async (app) => {
        await options.routes?.(app);
        app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(DEMO_PAGE));
        app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());
        app.get('/demo/api/bootstrap/', async (req, reply) => {
          const auth = req.headers.authorization ?? '';
          const user = auth.startsWith('Token ') ? DEMO_USERS[auth.slice(6)] : undefined;
          if (user === undefined) return reply.code(403).send({ detail: 'unknown user' });
          return { user: { name: user.name }, allowed_rooms: user.allowed_rooms };
        });
      },
    },
    afterListen(url) {
      const local = url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//127.0.0.1:');
      inner = createBootstrapAuth({ apiUrl: `${local}/demo/api/`, httpGet: nodeHttpGet, logger });
      // A postgres:// URL may carry a password: the log gets the URL with it masked.
      const store = opened !== undefined ? hideCredentials(demo.store ?? DEMO_STORE) : 'the --models store';
      logger.info({ url, store }, `roomcast demo: open ${url}/ in a browser`);
    },
    close: async () => {
      await opened?.close();
    },
  };
}
