/**
 * A defined model's operations. Every write runs in a transaction (the caller's `tx`, or its own) and emits one
 * ChangeEvent per object after commit; a bulk operation emits one event per object, in order. Without `as`
 * (app code) nothing is checked against permissions; with a client's identity, its read rule limits what it
 * sees and the write rules decide what it may do (no rule: refused).
 *
 * @module
 */
import type { Identity } from '../core/identity.js';
import type { ChangeEvent } from './changes.js';
import type { ChangeAction, ModelDefinition, ModelObject } from './define.js';
import { ModelError } from './errors.js';
import { decodeRow, encodeRow } from './fields.js';
import { readRow, searchRows, type Page, type SearchQuery } from './read.js';
import type { Store } from './store.js';
import { inTransaction, type Tx } from './transaction.js';
import { checkFields, checkSchema, parseKey } from './validate.js';
import { isPlainObject } from '../wire/json.js';
import { quoted } from '../wire/quote.js';

/** Who asks, and where the work belongs. */
export interface OperationOptions {
  /** The client's identity; absent for app code, which may do anything. */
  readonly as?: Identity;
  /** The client connection's address, carried by change events (echo suppression). */
  readonly origin?: string;
  /** Make the operation part of this transaction; its changes are published when it commits. */
  readonly tx?: Tx;
}

/** One update of a bulk update. */
export interface KeyedChanges {
  readonly key: unknown;
  readonly changes: unknown;
}

type Publish = (def: ModelDefinition, change: ChangeEvent, row: ModelObject) => void;

const UNIQUE_VIOLATION = /SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)|^23505$/;

export class Model {
  readonly definition: ModelDefinition;
  readonly #store: Store;
  readonly #publish: Publish;

  constructor(definition: ModelDefinition, store: Store, publish: Publish) {
    this.definition = definition;
    this.#store = store;
    this.#publish = publish;
  }

  get name(): string {
    return this.definition.name;
  }

  /** The object with this key, as clients see it. @throws ModelError not-found */
  async retrieve(key: unknown, options: OperationOptions = {}): Promise<ModelObject> {
    const k = this.#key(key);
    const row = await readRow(options.tx?.trx ?? this.#store.db, this.#store, this.definition, k, options.as);
    if (row === undefined) throw this.#notFound(k);
    return this.definition.serialize(row);
  }

  /** A page of objects matching `query.filters`, ordered by `query.order`. @throws ModelError invalid */
  search(query: SearchQuery = {}, options: OperationOptions = {}): Promise<Page> {
    return searchRows(options.tx?.trx ?? this.#store.db, this.#store, this.definition, query, options.as);
  }

  /** A page of all objects (the caller may read), ordered. */
  list(query: Omit<SearchQuery, 'filters'> = {}, options: OperationOptions = {}): Promise<Page> {
    return this.search({ order: query.order, page: query.page, limit: query.limit }, options);
  }

  /** Creates an object. @throws ModelError invalid, forbidden, conflict */
  create(data: unknown, options: OperationOptions = {}): Promise<ModelObject> {
    return this.#run(options, (tx) => this.#create(tx, data, options));
  }

  /** Writes `changes` (some fields) to an object; the change lists them as `updatedFields`. */
  update(key: unknown, changes: unknown, options: OperationOptions = {}): Promise<ModelObject> {
    return this.#run(options, (tx) => this.#update(tx, this.#key(key), changes, options));
  }

  /**
   * Upsert: with the key of an existing object, updates the fields given; otherwise creates (with the given key,
   * unless the key is database-assigned, in which case an unknown key is not-found).
   */
  save(data: unknown, options: OperationOptions = {}): Promise<ModelObject> {
    return this.#run(options, async (tx) => {
      const input = checkFields(this.definition, isPlainObject(data) ? this.#withoutKey(data) : data, 'update');
      const rawKey = (data as ModelObject)[this.definition.key];
      if (rawKey === undefined || rawKey === null) return this.#create(tx, input, options);
      const key = this.#key(rawKey);
      const existing = await readRow(tx.trx, this.#store, this.definition, key, undefined, true);
      if (existing !== undefined) return this.#update(tx, key, input, options);
      if (this.definition.keyType === 'key') throw this.#notFound(key);
      return this.#create(tx, { ...input, [this.definition.key]: key }, options);
    });
  }

  /** Deletes an object; the change carries it as it was. @returns the deleted object */
  delete(key: unknown, options: OperationOptions = {}): Promise<ModelObject> {
    return this.#run(options, (tx) => this.#delete(tx, this.#key(key), options));
  }

  /** Creates every object in one transaction: all or none, one change each. */
  bulkCreate(list: readonly unknown[], options: OperationOptions = {}): Promise<ModelObject[]> {
    return this.#run(options, async (tx) => {
      const out: ModelObject[] = [];
      for (const data of list) out.push(await this.#create(tx, data, options));
      return out;
    });
  }

  /** Updates every object in one transaction: all or none, one change each. */
  bulkUpdate(list: readonly KeyedChanges[], options: OperationOptions = {}): Promise<ModelObject[]> {
    return this.#run(options, async (tx) => {
      const out: ModelObject[] = [];
      for (const { key, changes } of list) out.push(await this.#update(tx, this.#key(key), changes, options));
      return out;
    });
  }

  /** Deletes every object in one transaction: all or none, one change each. */
  bulkDelete(keys: readonly unknown[], options: OperationOptions = {}): Promise<ModelObject[]> {
    return this.#run(options, async (tx) => {
      const out: ModelObject[] = [];
      for (const key of keys) out.push(await this.#delete(tx, this.#key(key), options));
      return out;
    });
  }

  /**
   * Pushes an `update` of an object to its subscribers without writing (django-binder's
   * `push_default_websocket_update`): after a change the model API did not see, such as raw SQL.
   */
  async pushUpdate(key: unknown, options: Omit<OperationOptions, 'as'> = {}): Promise<void> {
    const k = this.#key(key);
    const row = await readRow(options.tx?.trx ?? this.#store.db, this.#store, this.definition, k, undefined);
    if (row === undefined) throw this.#notFound(k);
    const change = this.#change('update', k, this.definition.serialize(row), undefined, options.origin);
    if (options.tx !== undefined) options.tx.changes.push({ def: this.definition, change, row });
    else this.#publish(this.definition, change, row);
  }

  #run<T>(options: OperationOptions, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.#store, options.tx, this.#publish, fn);
  }

  async #create(tx: Tx, data: unknown, options: OperationOptions): Promise<ModelObject> {
    const def = this.definition;
    const input = await checkSchema(def, checkFields(def, data, 'create'), 'create');
    const identity = options.as;
    if (identity !== undefined && (def.permissions.create === undefined || !(await def.permissions.create(identity, input)))) {
      throw new ModelError('forbidden', `create: not allowed on ${def.name}`);
    }
    let row: Record<string, unknown> | undefined;
    try {
      const values = encodeRow(def.fields, input, this.#store.engine);
      const insert = tx.trx.insertInto(def.table);
      // Nothing given (every field has a default or may be null): `insert … () values ()` is no SQL either engine takes.
      row = await (Object.keys(values).length === 0 ? insert.defaultValues() : insert.values(values)).returningAll().executeTakeFirst();
    } catch (err) {
      if (UNIQUE_VIOLATION.test(String((err as { code?: unknown }).code))) throw new ModelError('conflict', `create: ${def.name} ${quoted(String(input[def.key] ?? ''))} already exists`);
      throw err;
    }
    const object = decodeRow(def.fields, row ?? {}, this.#store.engine);
    const key = object[def.key] as string | number;
    return this.#changed(tx, 'create', key, object, undefined, options.origin);
  }

  async #update(tx: Tx, key: string | number, changes: unknown, options: OperationOptions): Promise<ModelObject> {
    const def = this.definition;
    const given = checkFields(def, changes, 'update');
    const current = await readRow(tx.trx, this.#store, def, key, options.as, true);
    if (current === undefined) throw this.#notFound(key);
    const identity = options.as;
    if (identity !== undefined && (def.permissions.update === undefined || !(await def.permissions.update(identity, current, given)))) {
      throw new ModelError('forbidden', `update: not allowed on ${def.name} ${quoted(String(key))}`);
    }
    const merged = await checkSchema(def, { ...this.#withoutKey(current), ...given }, 'update', Object.keys(given));
    const written: Record<string, unknown> = {};
    for (const name of Object.keys(given)) written[name] = merged[name] ?? null;
    const fields = Object.keys(written);
    let object = current;
    if (fields.length > 0) {
      const row = await tx.trx.updateTable(def.table).set(encodeRow(def.fields, written, this.#store.engine)).where(def.key, '=', key).returningAll().executeTakeFirst();
      object = decodeRow(def.fields, row ?? {}, this.#store.engine);
    }
    // Nothing written, nothing to tell.
    if (fields.length === 0) return this.definition.serialize(object);
    return this.#changed(tx, 'update', key, object, fields, options.origin);
  }

  async #delete(tx: Tx, key: string | number, options: OperationOptions): Promise<ModelObject> {
    const def = this.definition;
    const current = await readRow(tx.trx, this.#store, def, key, options.as, true);
    if (current === undefined) throw this.#notFound(key);
    const identity = options.as;
    if (identity !== undefined && (def.permissions.delete === undefined || !(await def.permissions.delete(identity, current)))) {
      throw new ModelError('forbidden', `delete: not allowed on ${def.name} ${quoted(String(key))}`);
    }
    await tx.trx.deleteFrom(def.table).where(def.key, '=', key).execute();
    return this.#changed(tx, 'delete', key, current, undefined, options.origin);
  }

  #changed(tx: Tx, action: ChangeAction, key: string | number, row: ModelObject, updatedFields: readonly string[] | undefined, origin: string | undefined): ModelObject {
    const object = this.definition.serialize(row);
    tx.changes.push({ def: this.definition, change: this.#change(action, key, object, updatedFields, origin), row });
    return object;
  }

  #change(action: ChangeAction, key: string | number, object: ModelObject, updatedFields: readonly string[] | undefined, origin: string | undefined): ChangeEvent {
    return {
      model: this.definition.name,
      action,
      key,
      object,
      ...(updatedFields !== undefined ? { updatedFields } : {}),
      ...(origin !== undefined ? { origin } : {}),
    };
  }

  #key(raw: unknown): string | number {
    const key = parseKey(this.definition, raw);
    if (key === undefined) throw new ModelError('not-found', `${this.definition.name} ${quoted(JSON.stringify(raw) ?? 'undefined')} does not exist`);
    return key;
  }

  #notFound(key: string | number): ModelError {
    return new ModelError('not-found', `${this.definition.name} ${quoted(String(key))} does not exist`);
  }

  #withoutKey(object: ModelObject): ModelObject {
    const { [this.definition.key]: _key, ...rest } = object;
    return rest;
  }
}
