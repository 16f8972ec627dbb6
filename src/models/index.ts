/**
 * roomcast/models: models over SQL whose committed writes reach subscribers in every dialect, on every node.
 *
 * @example
 * import { createServer } from 'roomcast';
 * import { createModels, openStore } from 'roomcast/models';
 *
 * const models = createModels(await openStore('sqlite:./app.db'));
 * const todos = models.define({
 *   name: 'app.Todo',
 *   fields: { id: 'key', title: 'text', done: 'boolean', owner: 'integer' },
 *   permissions: {
 *     read: (identity) => ({ owner: (identity.user as { id: number }).id }),
 *     create: (identity, data) => data.owner === (identity.user as { id: number }).id,
 *   },
 * });
 * await models.migrate();                          // creates missing tables
 * const server = createServer({ models, … });
 * await todos.create({ title: 'write docs', done: false, owner: 1 });   // subscribers see it after commit
 *
 * @module
 */
import type { Envelope } from '../core/envelope.js';
import type { Identity } from '../core/identity.js';
import { changeEnvelope, type ChangeEvent } from './changes.js';
import { defineModel, type ModelDefinition, type ModelObject, type ModelOptions } from './define.js';
import { createTables } from './migrate.js';
import { Model } from './model.js';
import type { Store } from './store.js';
import { inTransaction, type Tx } from './transaction.js';

/** Where committed changes go: the server's hub, once attached. */
export interface ChangeSink {
  readonly nodeId: string;
  publish(envelope: Envelope): void;
  /** Where an app function that throws after commit (a listener, `rooms`, `groupName`) is reported. */
  report?(err: unknown, change: ChangeEvent): void;
  /** Where a model's read rule or `roomsFor` that throws is reported: once per model and function. */
  reportRule?(err: unknown, model: string, rule: 'read' | 'roomsFor'): void;
}

/** The models of an app over one store. */
export interface Models {
  readonly store: Store;
  /** Defines a model. @throws TypeError on bad options or a name defined twice */
  define(options: ModelOptions): Model;
  /** A defined model by `<app>.<Model>` name. */
  get(name: string): Model | undefined;
  /** Every defined model. */
  all(): readonly Model[];
  /** Runs `fn` in one transaction; operations given `{ tx }` join it; their changes are published after commit. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Creates the tables of models that have none (no column changes to existing tables). */
  migrate(): Promise<void>;
  /**
   * The rooms `identity` may join across all models (the RoomController), for when roomcast is its own backend. A
   * model whose `roomsFor` or read rule throws adds none (reported once through the sink's `reportRule`).
   */
  roomsFor(identity: Identity): Record<string, string | number>[];
  /** Calls `fn` with every committed change made through these models in this process. */
  onChange(fn: (change: ChangeEvent) => void): () => void;
  /** Connects to a server (createServer does this). */
  attach(sink: ChangeSink | undefined): void;
}

export function createModels(store: Store): Models {
  const byName = new Map<string, Model>();
  const listeners = new Set<(change: ChangeEvent) => void>();
  let sink: ChangeSink | undefined;

  // The write has committed: an app function that throws here must not hide the success from the writer, nor
  // keep the change from the others.
  const report = (err: unknown, change: ChangeEvent): void => {
    if (sink?.report !== undefined) sink.report(err, change);
    else console.error(`roomcast: publishing a change of ${change.model} ${String(change.key)} failed`, err);
  };
  // A rule throws for every connection it is asked about: once in the log is enough to find the bug.
  const failedRules = new Set<string>();
  const ruleFailed = (model: string, rule: 'read' | 'roomsFor', err: unknown): void => {
    const id = `${model} ${rule}`;
    if (failedRules.has(id)) return;
    failedRules.add(id);
    if (sink?.reportRule !== undefined) sink.reportRule(err, model, rule);
    else console.error(`roomcast: the ${rule} rule of ${model} threw; its users may read nothing of it`, err);
  };
  const publish = (def: ModelDefinition, change: ChangeEvent, row: ModelObject): void => {
    for (const fn of [...listeners]) {
      try {
        fn(change);
      } catch (err) {
        report(err, change);
      }
    }
    if (sink === undefined) return;
    try {
      sink.publish(changeEnvelope(def, change, row, sink.nodeId));
    } catch (err) {
      report(err, change);
    }
  };

  return {
    store,
    define(options) {
      if (byName.has(options.name)) throw new TypeError(`model ${options.name} is already defined`);
      const model = new Model(
        defineModel(options, (err) => ruleFailed(options.name, 'read', err)),
        store,
        publish,
      );
      byName.set(model.name, model);
      return model;
    },
    get: (name) => byName.get(name),
    all: () => [...byName.values()],
    transaction: (fn) => inTransaction(store, undefined, publish, fn),
    migrate: () => createTables(store, [...byName.values()].map((m) => m.definition)),
    roomsFor(identity) {
      return [...byName.values()].flatMap((m) => {
        try {
          return [...m.definition.roomsFor(identity)];
        } catch (err) {
          // One model's bug must not fail the upgrade, nor cost the user the other models' rooms.
          ruleFailed(m.name, 'roomsFor', err);
          return [];
        }
      });
    },
    onChange(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    attach(next) {
      sink = next;
    },
  };
}

export { openStore, type Store } from './store.js';
export { Model, type OperationOptions, type KeyedChanges } from './model.js';
export { ModelError, type ModelErrorCode } from './errors.js';
export type { ChangeEvent } from './changes.js';
export type { ModelOptions, ModelPermissions, ModelObject, ModelDefinition, ChangeAction } from './define.js';
export type { Fields, FieldType } from './fields.js';
export type { Page, SearchQuery } from './read.js';
export type { StandardSchemaV1 } from './schema.js';
export type { Tx } from './transaction.js';
