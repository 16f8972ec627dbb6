/**
 * `defineModel`: checks a model's options once and fills in every default, so the operations never second-guess
 * them. Pure.
 *
 * @module
 */
import type { Identity } from '../core/identity.js';
import { FIELD_TYPES, IDENTIFIER, fieldType, type Fields } from './fields.js';
import { decodeFilter, type Filter } from './filters.js';
import type { StandardSchemaV1 } from './schema.js';

/** A change's kind. */
export type ChangeAction = 'create' | 'update' | 'delete';

/** A model object as clients see it. */
export type ModelObject = Record<string, unknown>;

/**
 * Who may do what. Without an identity (app code, the server itself) everything is allowed; for clients, reads
 * are allowed and writes refused unless a rule says otherwise.
 */
export interface ModelPermissions {
  /**
   * The objects `identity` may see, as a filter (`{owner: identity.user.id}`, `{"$or": […]}`) or `true`/`false`.
   * It applies to retrieve, list and search (in SQL, so counts and pages stay right) and to who receives a change.
   */
  readonly read?: (identity: Identity) => unknown;
  readonly create?: (identity: Identity, data: ModelObject) => boolean | Promise<boolean>;
  readonly update?: (identity: Identity, object: ModelObject, changes: ModelObject) => boolean | Promise<boolean>;
  readonly delete?: (identity: Identity, object: ModelObject) => boolean | Promise<boolean>;
}

/** Options of {@link defineModel}. */
export interface ModelOptions {
  /** `<app>.<Model>`, e.g. `shop.Order`: the binding stream and the REST path `/api/shop/order/`. */
  readonly name: string;
  /** The columns; only these are read, written, filtered and ordered by. */
  readonly fields: Fields;
  /** @default `<app>_<model in snake_case>`, as Django names tables */
  readonly table?: string;
  /** The primary key field. @default 'id' */
  readonly key?: string;
  /** Validates the whole object on create and the merged object on update (zod, valibot, … any Standard Schema). */
  readonly schema?: StandardSchemaV1;
  readonly permissions?: ModelPermissions;
  /** What clients see of an object (also in pushes). @default the object as stored */
  readonly serialize?: (object: ModelObject) => ModelObject;
  /** The templar rooms a change is published to. @default `[{"auto-updates": "<model in snake_case>"}]` */
  readonly rooms?: (object: ModelObject, action: ChangeAction) => readonly Record<string, string | number>[];
  /**
   * The rooms an identity may join for this model, when roomcast is its own backend (django-binder's
   * RoomController). @default when the identity may read any object: `{"auto-updates": "<snake>"}` and the rohrpost
   * target `{"type": "<model lower>", "id": "*"}` (which objects it then receives still follows the read rule)
   */
  readonly roomsFor?: (identity: Identity) => readonly Record<string, string | number>[];
  /** templar change frames carry `{"ids": [key]}` instead of django-binder's `""`. @default false */
  readonly templarIds?: boolean;
  /** The rohrpost group of an object. @default `<model in lower case>-<key>`, as rohrpost's mixins */
  readonly groupName?: (object: ModelObject, action: ChangeAction) => string;
  /** @default 25 */
  readonly pageSize?: number;
  /** @default 100 */
  readonly maxPageSize?: number;
  /** The writer's own connection does not receive the change. @default false */
  readonly suppressEcho?: boolean;
}

/** A model with its defaults resolved. */
export interface ModelDefinition {
  readonly name: string;
  readonly app: string;
  readonly model: string;
  /** `order_item` for `OrderItem`. */
  readonly snake: string;
  readonly table: string;
  readonly key: string;
  readonly keyType: 'key' | 'integer' | 'text';
  readonly fields: Fields;
  readonly schema: StandardSchemaV1 | undefined;
  readonly permissions: ModelPermissions;
  readonly serialize: (object: ModelObject) => ModelObject;
  readonly rooms: (object: ModelObject, action: ChangeAction) => readonly Record<string, string | number>[];
  readonly roomsFor: (identity: Identity) => readonly Record<string, string | number>[];
  readonly templarIds: boolean;
  readonly groupName: (object: ModelObject, action: ChangeAction) => string;
  readonly pageSize: number;
  readonly maxPageSize: number;
  readonly suppressEcho: boolean;
  /** The read rule of `identity` as a decoded filter, or `false` when it may see nothing. */
  readFilter(identity: Identity | undefined): Filter | false;
}

/** `OrderItem` → `order_item`. */
export const snakeCase = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * Checks options and resolves defaults. A read rule that throws (the app's bug) reads as `false`, "may read
 * nothing", and is handed to `onRuleError`.
 * @throws TypeError listing every problem
 */
export function defineModel(options: ModelOptions, onRuleError: (err: unknown) => void = () => {}): ModelDefinition {
  const problems: string[] = [];
  const match = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(options.name);
  if (match === null) problems.push(`name ${JSON.stringify(options.name)} must be <app>.<Model>`);
  const app = match?.[1] ?? '';
  const model = match?.[2] ?? '';
  const snake = snakeCase(model);
  const table = options.table ?? `${app.toLowerCase()}_${snake}`;
  const key = options.key ?? 'id';
  if (!IDENTIFIER.test(table)) problems.push(`table ${JSON.stringify(table)} is not a plain SQL identifier`);
  for (const [field, type] of Object.entries(options.fields)) {
    if (!IDENTIFIER.test(field)) problems.push(`field ${JSON.stringify(field)} is not a plain SQL identifier`);
    if (!FIELD_TYPES.includes(type)) problems.push(`field ${field}: unknown type ${JSON.stringify(type)}`);
    if (type === 'key' && field !== key) problems.push(`field ${field}: only the key may have type 'key'`);
  }
  const keyType = fieldType(options.fields, key);
  if (keyType !== 'key' && keyType !== 'integer' && keyType !== 'text') problems.push(`key ${key} must be a field of type key, integer or text`);
  const pageSize = options.pageSize ?? 25;
  const maxPageSize = options.maxPageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1 || !Number.isInteger(maxPageSize) || maxPageSize < pageSize) {
    problems.push('pageSize and maxPageSize must be integers with 1 ≤ pageSize ≤ maxPageSize');
  }
  if (problems.length > 0) throw new TypeError(`model ${options.name}: ${problems.join('; ')}`);
  const fields = options.fields;
  const read = options.permissions?.read;
  const readFilter = (identity: Identity | undefined): Filter | false => {
    if (identity === undefined || read === undefined) return [];
    let rule: unknown;
    try {
      rule = read(identity);
    } catch (err) {
      // Called at upgrade time too (roomsFor): a throw there would fail the connection, not just this model.
      onRuleError(err);
      return false;
    }
    if (rule === true) return [];
    if (rule === false || rule === undefined || rule === null) return false;
    const decoded = decodeFilter(rule, fields);
    // A broken rule is the app's bug; refusing everything is the safe reading of it.
    return 'error' in decoded ? false : decoded.filter;
  };
  const defaultRooms: readonly Record<string, string>[] = [{ 'auto-updates': snake }, { type: model.toLowerCase(), id: '*' }];
  return {
    name: options.name,
    app,
    model,
    snake,
    table,
    key,
    keyType: keyType as 'key' | 'integer' | 'text',
    fields,
    schema: options.schema,
    permissions: options.permissions ?? {},
    serialize: options.serialize ?? ((object) => object),
    rooms: options.rooms ?? (() => [{ 'auto-updates': snake }]),
    roomsFor: options.roomsFor ?? ((identity) => (readFilter(identity) === false ? [] : defaultRooms)),
    templarIds: options.templarIds ?? false,
    groupName: options.groupName ?? ((object) => `${model.toLowerCase()}-${String(object[key])}`),
    pageSize,
    maxPageSize,
    suppressEcho: options.suppressEcho ?? false,
    readFilter,
  };
}
