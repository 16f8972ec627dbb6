/**
 * Where models live: a Kysely instance over SQLite (better-sqlite3, the embedded default) or PostgreSQL (pg),
 * chosen by URL. Drivers load only when used.
 *
 * @example
 * const store = await openStore('sqlite:./roomcast.db');          // or 'sqlite::memory:'
 * const store = await openStore('postgres://user@127.0.0.1:5432/app');
 *
 * @module
 */
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { hideCredentials } from '../log.js';
import type { SqlEngine } from './fields.js';

/** Tables are the models' own and known only at run time: every table is a record of unknown columns. */
export type AnyDatabase = Record<string, Record<string, unknown>>;

/** An open database. */
export interface Store {
  readonly engine: SqlEngine;
  readonly db: Kysely<AnyDatabase>;
  close(): Promise<void>;
}

/** Opens `sqlite:<file>`, `sqlite::memory:`, or a `postgres://` / `postgresql://` URL. */
export async function openStore(url: string): Promise<Store> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length) || ':memory:';
    const { default: Database } = await import('better-sqlite3');
    const database = new Database(file);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    // SQLite's lower() folds ASCII only; the hub decides who receives a change with JS's toLowerCase, and the two
    // must agree on `contains`.
    database.function('lower', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
    const db = new Kysely<AnyDatabase>({ dialect: new SqliteDialect({ database }) });
    return { engine: 'sqlite', db, close: () => db.destroy() };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // A pool error (the server restarting) is reported on the next query; it must not crash the process.
    pool.on('error', () => {});
    const db = new Kysely<AnyDatabase>({ dialect: new PostgresDialect({ pool }) });
    return { engine: 'postgres', db, close: () => db.destroy() };
  }
  throw new TypeError(`unsupported store URL ${JSON.stringify(hideCredentials(url))}: use sqlite:<file>, sqlite::memory: or postgres://…`);
}
