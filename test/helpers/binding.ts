/**
 * A server with models for the binding dialect: `shop.Todo` (integer keys, owner-based permissions, secret rows)
 * and `shop.Tag` (text keys), on a given store, with an auth strategy that reads the user from the query string
 * (`?user=7`, `?user=7&staff=1`; none: anonymous; `?deny=1`: not authorized).
 */
import { after, before } from 'node:test';
import type { AuthStrategy } from '../../src/auth/strategy.js';
import type { Identity } from '../../src/core/identity.js';
import type { BindingOptions } from '../../src/dialects/binding/index.js';
import { sql } from 'kysely';
import { createModels, openStore, type Model, type Models, type Store } from '../../src/models/index.js';
import type { RoomcastServer } from '../../src/server.js';
import { createRoomMatcher } from '../../src/rooms/matcher.js';
import { connect, type TestClient } from './client.js';
import { start, type Running } from './server.js';
import { dropTables, uniqueTable, type Engine } from '../models/stores.js';

interface User {
  readonly id: number;
  readonly staff: boolean;
}

const userOf = (identity: Identity): User | null => identity.user as User | null;

export const queryAuth: AuthStrategy = async (request) => {
  if (request.query.get('deny') === '1') return { kind: 'denied', reason: 'test' };
  const id = request.query.get('user');
  const user = id === null ? null : { id: Number(id), staff: request.query.get('staff') === '1' };
  return { kind: 'allowed', identity: { user, rooms: createRoomMatcher([]) } };
};

export interface BindingFixture {
  readonly rc: Running;
  readonly models: Models;
  readonly todos: Model;
  readonly tags: Model;
  readonly tables: readonly string[];
  /** Connects to `/ws/binding/` with a query string (`user=7`). */
  client(query?: string): Promise<TestClient>;
  close(): Promise<void>;
}

/** Defines the models on `store`, creates their tables and starts a server serving them. */
export async function startBinding(store: Store, tables: { todo: string; tag: string }, binding: Omit<BindingOptions, 'models'> = {}): Promise<BindingFixture> {
  const models = createModels(store);
  const todos = models.define({
    name: 'shop.Todo',
    table: tables.todo,
    fields: { id: 'key', title: 'text', done: 'boolean', owner: 'integer', secret: 'boolean', rank: 'integer' },
    permissions: {
      // Staff see everything; others see what is not secret, and their own.
      read: (identity) => {
        const user = userOf(identity);
        if (user?.staff === true) return true;
        return user === null ? { secret: false } : { $or: [{ secret: false }, { owner: user.id }] };
      },
      create: (identity, data) => userOf(identity)?.id === data.owner,
      update: (identity, object) => userOf(identity)?.id === object.owner,
      delete: (identity, object) => userOf(identity)?.staff === true || userOf(identity)?.id === object.owner,
    },
  });
  const tags = models.define({
    name: 'shop.Tag',
    table: tables.tag,
    key: 'code',
    fields: { code: 'text', label: 'text' },
    permissions: { create: (identity) => userOf(identity) !== null, update: (identity) => userOf(identity) !== null },
  });
  await models.migrate();
  const rc = await start({ auth: queryAuth, models, binding });
  return {
    rc,
    models,
    todos,
    tags,
    tables: [tables.todo, tables.tag],
    client: (query = '') => connect(`ws://127.0.0.1:${rc.port}/ws/binding/${query === '' ? '' : `?${query}`}`),
    close: () => rc.close(),
  };
}

/**
 * The {@link BindingFixture} of the enclosing `describe` (usable once its `before` ran), whose clients are closed
 * after the suite; and `ask`.
 */
export interface BindingSuite extends BindingFixture {
  /** Sends `{ event, data }` (no data when `undefined`) and returns the reply. */
  ask(c: TestClient, event: string, data?: unknown): Promise<unknown>;
}

/**
 * Registers `before` and `after` hooks in the enclosing `describe`: a store of `engine` with fresh tables named
 * after `prefix`, a server serving them ({@link startBinding} with `binding`), and `setup` run on it; after the
 * suite, the clients are closed, the server stopped, the tables dropped and the store closed.
 */
export function bindingSuite(engine: Engine, prefix: string, binding: Omit<BindingOptions, 'models'> = {}, setup: (fx: BindingFixture) => void = () => {}): BindingSuite {
  let store: Store;
  let fx: BindingFixture;
  const open: TestClient[] = [];
  before(async () => {
    store = await engine.open();
    fx = await startBinding(store, { todo: uniqueTable(`${prefix}_todo`), tag: uniqueTable(`${prefix}_tag`) }, binding);
    setup(fx);
  });
  after(async () => {
    for (const c of open) await c.close();
    await fx.close();
    await dropTables(store, fx.tables);
    await store.close();
  });
  return {
    get rc() {
      return fx.rc;
    },
    get models() {
      return fx.models;
    },
    get todos() {
      return fx.todos;
    },
    get tags() {
      return fx.tags;
    },
    get tables() {
      return fx.tables;
    },
    async client(query = '') {
      const c = await fx.client(query);
      open.push(c);
      return c;
    },
    close: () => fx.close(),
    ask: (c, event, data) => c.ask(data === undefined ? { event } : { event, data }),
  };
}

/**
 * The transcripts' models (test/transcripts/binding/): `shop.Todo` with `id, title, done, owner`, readable by all,
 * written by its owner only; `shop.Tag` with text keys (`code`, `label`); and the app event `shop.Todo.stats`. `reset()` empties the table and restarts its ids
 * at 1, so each transcript sees the same keys.
 */
export async function transcriptModels(): Promise<{ models: Models; todos: Model; bind(server: RoomcastServer): void; reset(): Promise<void> }> {
  const store = await openStore('sqlite::memory:');
  const models = createModels(store);
  const owns = (identity: Identity, object: Record<string, unknown>): boolean => (identity.user as { id?: unknown } | null)?.id === object.owner;
  const todos = models.define({
    name: 'shop.Todo',
    fields: { id: 'key', title: 'text', done: 'boolean', owner: 'integer' },
    permissions: { create: owns, update: owns, delete: owns },
  });
  // Text keys, for the limit on the key of a subscription.
  models.define({ name: 'shop.Tag', key: 'code', fields: { code: 'text', label: 'text' } });
  await models.migrate();
  return {
    models,
    todos,
    bind(server) {
      server.bind('shop.Todo.stats', async () => {
        const [all, done] = await Promise.all([todos.list({ limit: 1 }), todos.search({ filters: { done: true }, limit: 1 })]);
        return { count: all.count, done: done.count };
      });
    },
    async reset() {
      await store.db.deleteFrom('shop_todo').execute();
      await sql`delete from sqlite_sequence where name = 'shop_todo'`.execute(store.db);
    },
  };
}
