/**
 * A server with models for the binding dialect: `shop.Todo` (integer keys, owner-based permissions, secret rows)
 * and `shop.Tag` (text keys), on a given store, with an auth strategy that reads the user from the query string
 * (`?user=7`, `?user=7&staff=1`; none: anonymous; `?deny=1`: not authorized).
 */
import type { AuthStrategy } from '../../src/auth/strategy.js';
import type { Identity } from '../../src/core/identity.js';
import type { BindingOptions } from '../../src/dialects/binding/index.js';
import { sql } from 'kysely';
import { createModels, openStore, type Model, type Models, type Store } from '../../src/models/index.js';
import type { RoomcastServer } from '../../src/server.js';
import { createRoomMatcher } from '../../src/rooms/matcher.js';
import { connect, type TestClient } from './client.js';
import { start, type Running } from './server.js';

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
