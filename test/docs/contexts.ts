/**
 * The contexts a documentation example runs in (`<!-- example: <context> -->` before its block): the live
 * services it talks to, the documented addresses replaced by theirs, and, for TypeScript, the app's own names
 * the example leaves to the reader (`render`, `refetch`…) defined before it, and checks run after it.
 */
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import { createModels, openStore } from '../../src/models/index.js';
import { startBackend } from '../helpers/backend.js';
import { REDIS_URL, redisSkip } from '../helpers/redis.js';
import { start } from '../helpers/server.js';
import { runSequence, runServers, runTypeScript, type Setup } from './run.js';

export interface Context {
  /** What the context gives and checks, for the reader of a failure. */
  readonly about: string;
  /** The block languages it runs. */
  readonly langs: readonly string[];
  /** TypeScript declarations of the names its prelude defines, for type-checking the block. */
  readonly declare?: string;
  /** Why it cannot run here (a service is missing), or `false`. */
  skip?(code: string): Promise<string | false>;
  setup(code: string): Promise<Setup>;
  run(code: string, where: string, setup: Setup): Promise<void>;
}

/** A JWT secret and a trigger secret the examples read from the environment. */
const ENV = { JWT_SECRET: 'example-jwt-secret', ROOMCAST_TRIGGER_SECRET: 'example-trigger-secret' };
/** The django-binder backend the docs point at, and the server's own address. */
const BACKEND = 'http://127.0.0.1:8000/api/';

/** Names the examples leave to the app, as functions that do nothing; and Node 20's missing WebSocket global. */
const APP_NAMES = `
import __WebSocket from 'ws';
(globalThis as { WebSocket?: unknown }).WebSocket ??= __WebSocket;
const render = (..._: unknown[]): void => {};
const refresh = render;
const refetch = render;
const refetchAll = render;
const showLogin = render;
`;

/** The names APP_NAMES and the client contexts define, declared for the type-check. */
const CLIENT_NAMES = 'declare const render: (...args: unknown[]) => void, refresh: typeof render, refetch: typeof render, refetchAll: typeof render, showLogin: typeof render; declare const url: string, token: string, auth: { jwt: string };';

async function withBackend(extra: Partial<Setup> = {}): Promise<Setup> {
  const backend = await startBackend({ body: { user: { id: 1 }, allowed_rooms: [] } });
  return {
    ...extra,
    replace: [[BACKEND, backend.apiUrl], ...(extra.replace ?? [])],
    env: { ...ENV, ...extra.env },
    close: async () => {
      await extra.close?.();
      await backend.close();
    },
  };
}

/** A server in the test process, and the client example's addresses pointed at it. */
async function clientServer(rooms: Record<string, unknown>[]): Promise<Setup> {
  const rc = await start({ auth: createAnonymousAuth(rooms) });
  const ws = `ws://127.0.0.1:${rc.port}`;
  return {
    replace: [['wss://example.com', ws], ['ws://127.0.0.1:8080', ws]],
    prelude: `${APP_NAMES}const url = '${ws}/ws/rohrpost/';\nconst auth = { jwt: 'a-token' };\nconst token = 'a-token';\n`,
    env: ENV,
    close: () => rc.close(),
  };
}

export const CONTEXTS: Readonly<Record<string, Context>> = {
  app: {
    about: `a program of its own (imports from 'roomcast…' are the source; createServer listens on a free port): it must run to its end without an error; ${BACKEND} is a stub backend; JWT_SECRET and ROOMCAST_TRIGGER_SECRET are set`,
    langs: ['ts', 'js'],
    setup: () => withBackend(),
    run: runTypeScript,
  },
  'rohrpost-client': {
    about: 'a client program against a live server (anonymous, allowed {"type":"collection","id":"*"}, no request handlers of its own) at the documented address; url, auth, token and the app callbacks are defined',
    langs: ['ts', 'js'],
    declare: CLIENT_NAMES,
    setup: () => clientServer([{ type: 'collection', id: '*' }]),
    run: runTypeScript,
  },
  'templar-client': {
    about: 'a client program against a live server (anonymous, allowed {"target":"message","customer":7}) at the documented address; token and the app callbacks are defined',
    langs: ['ts', 'js'],
    declare: CLIENT_NAMES,
    setup: () => clientServer([{ target: 'message', customer: 7 }]),
    run: runTypeScript,
  },
  'rohrpost-server': {
    about: 'code that uses `server`: a listening server (anonymous, allowed {"type":"collection","id":"*"}), with a RohrpostClient subscribed to collection-52; afterwards every `server.handle` type the block registers is called and must reply, and a `sendToGroup` to collection-52 must reach the subscription callback (not `push`)',
    langs: ['ts', 'js'],
    declare: `${CLIENT_NAMES} declare const server: import('roomcast').RoomcastServer, mayRename: (...args: unknown[]) => boolean, object: { id: number }, runExport: (data: unknown) => Promise<string>;`,
    setup: async (code) => {
      const handled = [...code.matchAll(/server\.handle\('([^']+)'/g)].map((m) => m[1]);
      const grouped = /server\.sendToGroup\('collection-52'/.test(code);
      return withBackend({
        prelude: `${APP_NAMES}
import * as __rc from 'roomcast';
import * as __client from 'roomcast/client';
const server = __rc.createServer({ auth: __rc.createAnonymousAuth([{ type: 'collection', id: '*' }]) });
const __address = await server.listen();
const mayRename = (..._: unknown[]): boolean => true;
const object = { id: 52, name: 'Tulips' };
const runExport = async (..._: unknown[]): Promise<string> => 'https://example.com/exports/1.csv';
const __watcher = new __client.RohrpostClient(__address.url.replace('http', 'ws') + '/ws/rohrpost/');
const __updates: unknown[] = [];
const __pushes: unknown[] = [];
__watcher.on('push', (p) => __pushes.push(p));
await __watcher.subscribe({ type: 'collection', id: 52 }, (u) => __updates.push(u));
`,
        epilogue: `
${grouped ? `for (let i = 0; i < 100 && __updates.length === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
if (__updates.length !== 1 || __pushes.length !== 0) throw new Error('sendToGroup reached the subscription callback ' + __updates.length + ' times and push ' + __pushes.length + ' times: ' + JSON.stringify(__pushes));` : ''}
for (const type of ${JSON.stringify(handled)}) await __watcher.call(type, { name: 'new name' }, { timeoutMs: 5000 });
__watcher.close();
`,
      });
    },
    run: runTypeScript,
  },
  'binding-server': {
    about: 'code that uses `server` and `models`: a listening server with the models of docs/protocols/binding.md (shop.Todo in SQLite in memory)',
    langs: ['ts', 'js'],
    declare: "declare const server: import('roomcast').RoomcastServer, models: import('roomcast/models').Models;",
    setup: () =>
      withBackend({
        prelude: `
import * as __rc from 'roomcast';
import * as __models from 'roomcast/models';
const models = __models.createModels(await __models.openStore('sqlite::memory:'));
models.define({ name: 'shop.Todo', fields: { id: 'key', title: 'text', done: 'boolean', owner: 'integer' } });
await models.migrate();
const server = __rc.createServer({ models, auth: __rc.createAnonymousAuth([]) });
await server.listen();
`,
      }),
    run: runTypeScript,
  },
  serve: {
    about: `each command is started (roomcast and npx roomcast are this repository's command, ROOMCAST_PORT=0) and must listen, then exit 0 on SIGTERM; ${BACKEND} is a stub backend, redis://10.0.0.5:6379 the local Redis`,
    langs: ['sh'],
    skip: async (code) => (code.includes('redis://') ? redisSkip() : false),
    setup: () => withBackend({ replace: [['redis://10.0.0.5:6379', REDIS_URL]] }),
    run: runServers,
  },
  rest: {
    about: 'one bash script against a live server at http://127.0.0.1:8080 with the model of docs/rest.md (shop.Order, every write allowed, empty, SQLite in memory), authenticated by a stub bootstrap backend that lets every request in as user 1; each `# ` line after a command is a line its output must show, in order (`…`: anything)',
    langs: ['sh'],
    setup: async () => {
      const backend = await startBackend({ body: { user: { id: 1 }, allowed_rooms: [] } });
      const models = createModels(await openStore('sqlite::memory:'));
      models.define({
        name: 'shop.Order',
        fields: { id: 'key', customer: 'text', total: 'number', paid: 'boolean', placed: 'timestamp' },
        permissions: { create: () => true, update: () => true, delete: () => true },
      });
      await models.migrate();
      const rc = await start({ models, bootstrap: { apiUrl: backend.apiUrl } });
      return {
        replace: [['http://127.0.0.1:8080', rc.url]],
        close: async () => {
          await rc.close();
          await models.store.close();
          await backend.close();
        },
      };
    },
    run: runSequence,
  },
};
