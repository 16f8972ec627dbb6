/**
 * A unit of work: one SQL transaction and the changes made in it, published only after it commits. Rolled-back
 * work publishes nothing.
 *
 * @module
 */
import type { Transaction } from 'kysely';
import type { ChangeEvent } from './changes.js';
import type { ModelDefinition, ModelObject } from './define.js';
import type { AnyDatabase, Store } from './store.js';

/** An open transaction; pass it as `{ tx }` to model operations to make them part of it. */
export class Tx {
  readonly trx: Transaction<AnyDatabase>;
  /** Changes to publish after commit, in order. */
  readonly changes: { def: ModelDefinition; change: ChangeEvent; row: ModelObject }[] = [];

  constructor(trx: Transaction<AnyDatabase>) {
    this.trx = trx;
  }
}

/** Runs `fn` in `given` if there is one, else in a new transaction whose changes go to `publish` after commit. */
export async function inTransaction<T>(
  store: Store,
  given: Tx | undefined,
  publish: (def: ModelDefinition, change: ChangeEvent, row: ModelObject) => void,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  if (given !== undefined) return fn(given);
  let tx: Tx | undefined;
  const result = await store.db.transaction().execute(async (trx) => {
    tx = new Tx(trx);
    return fn(tx);
  });
  for (const { def, change, row } of tx?.changes ?? []) publish(def, change, row);
  return result;
}
