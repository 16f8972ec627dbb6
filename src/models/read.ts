/**
 * Reads: one object by key, and pages of a search. The caller's read rule is part of the SQL, so a client never
 * sees (or counts) an object it may not read, and "not yours" looks exactly like "not there".
 *
 * @module
 */
import { sql } from 'kysely';
import type { Identity } from '../core/identity.js';
import type { ModelDefinition, ModelObject } from './define.js';
import { ModelError } from './errors.js';
import { decodeRow } from './fields.js';
import { decodeFilter, decodeOrder, type Filter } from './filters.js';
import { ordered, whereOf } from './sql.js';
import type { AnyDatabase, Store } from './store.js';
import type { Kysely, Transaction } from 'kysely';

/** A search request, as any dialect or REST decodes it. */
export interface SearchQuery {
  /** A filter object (see `filters.ts`). */
  readonly filters?: unknown;
  /** `"field"`, `"-field"` (descending), or a list. */
  readonly order?: unknown;
  /** 1-based; anything else reads as 1, past the end as the last page. */
  readonly page?: unknown;
  /** Page size, clamped to 1..maxPageSize; absent: the model's pageSize. */
  readonly limit?: unknown;
}

/** One page of objects. */
export interface Page {
  readonly page: number;
  readonly limit: number;
  /** Objects matching, over all pages. */
  readonly count: number;
  readonly rows: readonly ModelObject[];
}

type Db = Kysely<AnyDatabase> | Transaction<AnyDatabase>;

const toInt = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d{1,9}$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
};

/** The stored row of `key` the identity may read (as JSON), or `undefined`. */
export async function readRow(db: Db, store: Store, def: ModelDefinition, key: string | number, identity: Identity | undefined, forUpdate = false): Promise<ModelObject | undefined> {
  const rule = def.readFilter(identity);
  if (rule === false) return undefined;
  let query = db
    .selectFrom(def.table)
    .selectAll()
    .where((eb) => eb.and([eb(def.key, '=', key), whereOf(eb, rule, store.engine)]));
  if (forUpdate && store.engine === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row === undefined ? undefined : decodeRow(def.fields, row, store.engine);
}

/** A page of objects matching `query` that the identity may read. */
export async function searchRows(db: Db, store: Store, def: ModelDefinition, query: SearchQuery, identity: Identity | undefined): Promise<Page> {
  const filters = decodeFilter(query.filters, def.fields);
  if ('error' in filters) throw new ModelError('invalid', `search: ${filters.error}`);
  const order = decodeOrder(query.order, def.fields);
  if ('error' in order) throw new ModelError('invalid', `search: ${order.error}`);
  const requested = toInt(query.limit);
  const limit = Math.min(def.maxPageSize, Math.max(1, requested ?? def.pageSize));
  const rule = def.readFilter(identity);
  if (rule === false) return { page: 1, limit, count: 0, rows: [] };
  const filter: Filter = [...rule, ...filters.filter];
  const where = db.selectFrom(def.table).where((eb) => whereOf(eb, filter, store.engine));
  const counted = await where.select(sql<number>`count(*)`.as('n')).executeTakeFirst();
  const count = Number(counted?.n ?? 0);
  const pages = Math.max(1, Math.ceil(count / limit));
  const page = Math.min(pages, Math.max(1, toInt(query.page) ?? 1));
  const rows = await ordered(where.selectAll(), order.order, def.key)
    .limit(limit)
    .offset((page - 1) * limit)
    .execute();
  return { page, limit, count, rows: rows.map((row) => def.serialize(decodeRow(def.fields, row, store.engine))) };
}
