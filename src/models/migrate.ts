/**
 * Table creation for models that have no table yet (the demo, tests, a first run). Existing tables are left as
 * they are: roomcast does not alter columns; use your migration tool for that.
 *
 * @module
 */
import { sql } from 'kysely';
import type { ModelDefinition } from './define.js';
import { sqlType } from './fields.js';
import type { Store } from './store.js';

export async function createTables(store: Store, defs: readonly ModelDefinition[]): Promise<void> {
  for (const def of defs) {
    let table = store.db.schema.createTable(def.table).ifNotExists();
    for (const [name, type] of Object.entries(def.fields)) {
      const columnType = sql.raw(sqlType(type, store.engine));
      table = table.addColumn(name, columnType, (col) => {
        if (name !== def.key) return col;
        const primary = col.primaryKey();
        return type === 'key' && store.engine === 'sqlite' ? primary.autoIncrement() : primary;
      });
    }
    await table.execute();
  }
}
