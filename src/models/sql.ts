/**
 * Decoded filters and orderings as Kysely expressions. Columns come only from a model's fields (checked when
 * decoded) and values are always bound parameters.
 *
 * @module
 */
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { toColumn, type SqlEngine } from './fields.js';
import type { Condition, Filter, OrderKey } from './filters.js';
import type { AnyDatabase } from './store.js';

type Builder = ExpressionBuilder<AnyDatabase, string>;

/** The WHERE expression of a filter (`true` when empty). */
export function whereOf(eb: Builder, filter: Filter, engine: SqlEngine): Expression<SqlBool> {
  if (filter.length === 0) return sql<SqlBool>`1 = 1`;
  return eb.and(filter.map((c) => conditionOf(eb, c, engine)));
}

function conditionOf(eb: Builder, c: Condition, engine: SqlEngine): Expression<SqlBool> {
  if ('any' in c) return eb.or(c.any.map((branch) => whereOf(eb, branch, engine)));
  const column = c.field;
  const value = (v: unknown): unknown => toColumn(c.type, v, engine);
  switch (c.op) {
    case 'eq':
      return c.value === null ? eb(column, 'is', null) : eb(column, '=', value(c.value));
    case 'ne':
      // As in JS: a NULL column differs from any value.
      return c.value === null ? eb(column, 'is not', null) : eb.or([eb(column, '<>', value(c.value)), eb(column, 'is', null)]);
    case 'in': {
      const list = (c.value as unknown[]).filter((v) => v !== null).map(value);
      const withNull = (c.value as unknown[]).includes(null);
      const inList = list.length > 0 ? eb(column, 'in', list) : sql<SqlBool>`1 = 0`;
      return withNull ? eb.or([inList, eb(column, 'is', null)]) : inList;
    }
    case 'contains': {
      const escaped = (c.value as string).toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`);
      return sql<SqlBool>`lower(${sql.ref(column)}) like ${`%${escaped}%`} escape '\\'`;
    }
    case 'lt':
      return eb(column, '<', value(c.value));
    case 'lte':
      return eb(column, '<=', value(c.value));
    case 'gt':
      return eb(column, '>', value(c.value));
    case 'gte':
      return eb(column, '>=', value(c.value));
  }
}

/** Adds ORDER BY for `order`, then the key, so pages are stable. NULLs sort last both ways on both engines. */
export function ordered<O>(query: SelectQueryBuilder<AnyDatabase, string, O>, order: readonly OrderKey[], key: string): SelectQueryBuilder<AnyDatabase, string, O> {
  let q = query;
  for (const { field, descending } of order) {
    q = q.orderBy(sql`${sql.ref(field)} is null`).orderBy(sql.ref(field), descending ? 'desc' : 'asc');
  }
  if (!order.some((o) => o.field === key)) q = q.orderBy(sql.ref(key), 'asc');
  return q;
}
