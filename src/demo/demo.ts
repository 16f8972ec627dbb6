/**
 * `roomcast demo`: the server plus a stub django-binder backend on the same port and a page at `/` showing the
 * room model of seed 000 — branch managers allowed one `{location}`, a CEO allowed `{location: "*"}` — with
 * subscriptions and triggers arriving live. The stub answers `GET /demo/api/bootstrap/` by `?token=`, and
 * roomcast reaches it through the real bootstrap proxy, as it would reach Django.
 *
 * @module
 */
import { createBootstrapAuth } from '../auth/bootstrap.js';
import type { AuthStrategy } from '../auth/strategy.js';
import type { Logger } from '../log.js';
import type { ServerOptions } from '../options.js';
import { nodeHttpGet } from '../transport/http-client.js';
import { DEMO_PAGE } from './page.js';

/** The demo's users, by token. */
export const DEMO_USERS: Readonly<Record<string, { name: string; allowed_rooms: Record<string, string>[] }>> = {
  delft: { name: 'Branch manager, Delft', allowed_rooms: [{ location: 'Delft' }] },
  eindhoven: { name: 'Branch manager, Eindhoven', allowed_rooms: [{ location: 'Eindhoven' }] },
  ceo: { name: 'CEO', allowed_rooms: [{ location: '*' }] },
};

/** Adds the demo routes and the stub backend to `options`. */
export function withDemo(options: ServerOptions, logger: Logger): { options: ServerOptions; afterListen: (url: string) => void } {
  let inner: AuthStrategy | undefined;
  const auth: AuthStrategy = async (request, signal) =>
    inner !== undefined ? inner(request, signal) : { kind: 'failed', status: 503, reason: 'demo not started' };
  return {
    options: {
      ...options,
      auth: options.bootstrap !== undefined ? (options.auth ?? auth) : auth,
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
      logger.info({ url }, `roomcast demo: open ${url}/ in a browser`);
    },
  };
}
