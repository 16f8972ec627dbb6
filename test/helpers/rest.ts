/**
 * A live server with models and the REST API on one store, for the REST tests: an auth strategy that reads
 * `Authorization: User <id>` (or `?token=<id>`; `Fail` fails with 504, `Boom` throws; nothing: denied), and three
 * models on tables of their own — `app.Item` (seeded, for list tests), `app.Todo` (written by the tests), `app.Tag`
 * (a text key, for PUT creating) — plus `app.Broken`, whose serialize throws.
 */
import type { AuthStrategy } from '../../src/auth/strategy.js';
import type { Identity } from '../../src/core/identity.js';
import type { Logger } from '../../src/log.js';
import { createModels, type Model, type Models, type Store } from '../../src/models/index.js';
import type { ModelPermissions } from '../../src/models/define.js';
import { createRoomMatcher } from '../../src/rooms/matcher.js';
import { toRoom, type Room } from '../../src/rooms/room.js';
import { dropTables, uniqueTable, type Engine } from '../models/stores.js';
import { start, type Running } from './server.js';

const rooms = createRoomMatcher([{ type: 'todo', id: '*' }, { type: 'tag', id: '*' }].map((r) => toRoom(r) as Room));
const identities = new Map<number, Identity>();
const identityOf = (id: number): Identity => {
  let identity = identities.get(id);
  if (identity === undefined) identities.set(id, (identity = { user: { id }, rooms }));
  return identity;
};
const userId = (identity: Identity): number => (identity.user as { id: number }).id;

export const testAuth: AuthStrategy = async (request) => {
  const header = request.headers.authorization;
  const text = typeof header === 'string' ? header : request.query.get('token') !== null ? `User ${request.query.get('token')}` : undefined;
  if (text === 'Fail') return { kind: 'failed', status: 504, reason: 'backend timed out' };
  if (text === 'Boom') throw new Error('strategy exploded');
  const m = /^User (\d+)$/.exec(text ?? '');
  return m === null ? { kind: 'denied', reason: 'no user' } : { kind: 'allowed', identity: identityOf(Number(m[1])) };
};

/** Users read their own objects and public ones (user 0 reads everything); they write only their own. */
const permissions: ModelPermissions = {
  read: (identity) => (userId(identity) === 0 ? true : { $or: [{ owner: userId(identity) }, { public: true }] }),
  create: (identity, data) => data.owner === userId(identity),
  update: (identity, object, changes) => object.owner === userId(identity) && !('owner' in changes),
  delete: (identity, object) => object.owner === userId(identity),
};

const todoFields = { id: 'key', title: 'text', done: 'boolean', owner: 'integer', public: 'boolean', rank: 'number', meta: 'json', due: 'timestamp' } as const;

export interface RestFixture {
  readonly rc: Running;
  readonly store: Store;
  readonly models: Models;
  readonly item: Model;
  readonly todo: Model;
  readonly tag: Model;
  /** What the server logged at warn and error. */
  readonly logs: { level: string; context: object; message: string | undefined }[];
  /** Keys of the seeded items by title (`null` title: `"d"`). */
  readonly items: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

/** The seeded items: user 1 owns a–e (e public), user 2 owns f and g (g public). */
export const ITEMS = [
  { title: 'alpha', rank: 5, done: true, owner: 1, public: false, due: '2026-01-01T00:00:00.000Z' },
  { title: 'beta', rank: 3, done: false, owner: 1, public: false, due: '2026-03-01T00:00:00.000Z' },
  { title: 'gamma', rank: 9, done: true, owner: 1, public: false, due: null },
  { title: null, rank: 1, done: false, owner: 1, public: false, due: null },
  { title: 'epsilon', rank: 7, done: false, owner: 1, public: true, due: null },
  { title: 'phi', rank: 2, done: true, owner: 2, public: false, due: null },
  { title: 'gee', rank: 4, done: false, owner: 2, public: true, due: null },
] as const;

export async function startRest(engine: Engine, options: { maxBodyBytes?: number } = {}): Promise<RestFixture> {
  const store = await engine.open();
  const models = createModels(store);
  const tables = [uniqueTable('app_item'), uniqueTable('app_todo'), uniqueTable('app_tag'), uniqueTable('app_broken')] as const;
  const item = models.define({ name: 'app.Item', table: tables[0], fields: todoFields, permissions, pageSize: 3, maxPageSize: 5 });
  const todo = models.define({ name: 'app.Todo', table: tables[1], fields: todoFields, permissions });
  const tag = models.define({ name: 'app.Tag', table: tables[2], key: 'slug', fields: { slug: 'text', label: 'text', owner: 'integer', public: 'boolean' }, permissions });
  models.define({
    name: 'app.Broken',
    table: tables[3],
    fields: { id: 'key', owner: 'integer' },
    serialize: () => {
      throw new Error('secret detail of a broken serializer');
    },
  });
  await models.migrate();
  const items: Record<string, number> = {};
  for (const data of ITEMS) {
    const created = await item.create(data);
    items[data.title ?? 'd'] = created.id as number;
  }
  await store.db.insertInto(tables[3]).values({ owner: 1 }).execute();
  const logs: RestFixture['logs'] = [];
  const log = (level: string) => (context: object, message?: string) => logs.push({ level, context, message });
  const logger: Logger = { debug: () => {}, info: () => {}, warn: log('warn'), error: log('error') };
  const rc = await start({
    models,
    auth: testAuth,
    logger,
    allowOrigins: ['https://app.example.com'],
    ...(options.maxBodyBytes !== undefined ? { rest: { maxBodyBytes: options.maxBodyBytes } } : {}),
  });
  return {
    rc,
    store,
    models,
    item,
    todo,
    tag,
    logs,
    items,
    async close() {
      await rc.close();
      await dropTables(store, tables);
      await store.close();
    },
  };
}

export interface CallOptions {
  /** Sent as `Authorization: User <id>`. */
  readonly user?: number;
  /** JSON-encoded unless a string; sets `content-type: application/json` unless `headers` sets one. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** The JSON body, or the text when it is not JSON. */
  readonly body: unknown;
}

/** One HTTP request to the server. */
export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.user !== undefined) headers.authorization = `User ${options.user}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, options.headers);
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}
