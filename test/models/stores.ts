/**
 * The stores every model test runs on: SQLite in memory, and the local PostgreSQL (database `test`), each test
 * with its own tables so runs never collide.
 */
import { randomBytes } from 'node:crypto';
import { openStore, type Store } from '../../src/models/index.js';
import { skipUnlessRequired } from '../helpers/server.js';

export const PG_URL = process.env.ROOMCAST_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Engine {
  readonly name: 'sqlite' | 'postgres';
  /** A reason to skip, or false. */
  readonly skip: string | false;
  open(): Promise<Store>;
}

async function pgReachable(): Promise<string | false> {
  try {
    const store = await openStore(PG_URL);
    await store.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    await store.close();
    return false;
  } catch (err) {
    return skipUnlessRequired('postgresql', (err as Error).message);
  }
}

export const engines: readonly Engine[] = [
  { name: 'sqlite', skip: false, open: () => openStore('sqlite::memory:') },
  { name: 'postgres', skip: await pgReachable(), open: () => openStore(PG_URL) },
];

/** A table name no other run uses. */
export const uniqueTable = (base: string): string => `${base}_${randomBytes(4).toString('hex')}`;

/** Drops tables a test created (PostgreSQL keeps them; SQLite in memory goes with its store). */
export async function dropTables(store: Store, tables: readonly string[]): Promise<void> {
  for (const table of tables) await store.db.schema.dropTable(table).ifExists().execute();
}
