/**
 * The built-in actions on a model's stream (docs/protocols/binding.md, "Actions"): retrieve, search, list, create,
 * update, save and delete, each a function from the request to the reply's data, run through the model's
 * operations so its read rule, write rules, schema and change publishing apply. Every failure is a
 * {@link ModelError}; the dialect turns it into an error frame.
 *
 * channels-binding 1.9.8 left save/create/update (commented out) and list (not mixed in) unanswered and sorted
 * `"-field"` ascending; here every action works and `"-field"` is descending.
 *
 * @module
 */
import { ModelError } from '../../models/errors.js';
import type { Model, OperationOptions } from '../../models/model.js';
import { parseKey } from '../../models/validate.js';
import type { BindingData } from './codec.js';
import { bindingFilters, bindingPage } from './query.js';
import { isPlainObject } from '../../wire/json.js';
import { quoted } from '../../wire/quote.js';

/** What an action needs to know about its request. */
export interface ActionRequest {
  readonly model: Model;
  /** `<stream>.<action>`, for messages. */
  readonly name: string;
  readonly hash: string | undefined;
  readonly data: BindingData;
  /** `{ as }`: the connection's identity. */
  readonly read: OperationOptions;
  /** `{ as, origin }`: identity and connection address. */
  readonly write: OperationOptions;
}

/** One built-in action: the reply's data. */
export type Action = (request: ActionRequest) => Promise<unknown>;


/** The data as an object, or `invalid`. */
function objectData(request: ActionRequest): Record<string, unknown> {
  if (!isPlainObject(request.data)) throw new ModelError('invalid', `${request.name}: data must be a JSON object`);
  return request.data;
}

/** The raw key: the hash when there is one (it wins, as in channels-binding), else `data[<key field>]`. */
function rawKey(request: ActionRequest): unknown {
  if (request.hash !== undefined) return request.hash;
  return isPlainObject(request.data) ? request.data[request.model.definition.key] : undefined;
}

/** Whether a number from JSON is what was sent: finite, and a safe integer if an integer. */
const exactDouble = (n: number): boolean => Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n));

/** The request's key, parsed as the key field's type. @throws ModelError invalid when absent, not-found when malformed */
export function keyOf(request: ActionRequest): string | number {
  const def = request.model.definition;
  const raw = rawKey(request);
  if (raw === undefined || raw === null) {
    throw new ModelError('invalid', `${request.name} needs the object's key: send "${request.name}#<${def.key}>" or {"${def.key}": …} as data`);
  }
  const key = parseKey(def, raw);
  // A JSON number arrives as its double: 65,000 digits are Infinity (JSON "null"), 2^64 a neighbour of it. Neither
  // is what was sent, so neither is quoted.
  if (key === undefined && typeof raw === 'number' && !exactDouble(raw)) {
    throw new ModelError('not-found', `${def.name}: not a valid key (a number no key can be)`);
  }
  if (key === undefined) throw new ModelError('not-found', `${def.name} ${quoted(JSON.stringify(raw) ?? String(raw))} does not exist`);
  return key;
}

/** The request's key, or `undefined` when it names none (subscribe to a whole stream). */
export function optionalKeyOf(request: ActionRequest): string | number | undefined {
  const raw = rawKey(request);
  return raw === undefined || raw === null ? undefined : keyOf(request);
}

/** `data` without the key field: what an update writes. */
function changesOf(request: ActionRequest): Record<string, unknown> {
  const { [request.model.definition.key]: _key, ...changes } = objectData(request);
  return changes;
}

/** The key field's name with a value, for replies. */
const keyed = (request: ActionRequest, key: string | number): Record<string, string | number> => ({ [request.model.definition.key]: key });

const retrieve: Action = async (request) => {
  const raw = rawKey(request);
  if (!Array.isArray(raw)) return request.model.retrieve(keyOf(request), request.read);
  // A batch: objects in the order asked, each once; missing, unreadable and malformed keys are left out.
  const def = request.model.definition;
  if (raw.length > def.maxPageSize) throw new ModelError('invalid', `${request.name}: at most ${def.maxPageSize} keys at once`);
  const seen = new Set<string | number>();
  const out: unknown[] = [];
  for (const item of raw) {
    const key = parseKey(def, item);
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    try {
      out.push(await request.model.retrieve(key, request.read));
    } catch (err) {
      if (!(err instanceof ModelError && err.code === 'not-found')) throw err;
    }
  }
  return out;
};

/** `{page, limit, count, order, rows}`: `order` as sent, or `null`; `page` and `filters` read as channels-binding's. */
const search: Action = async (request) => {
  const { filters, order, page, limit } = objectData(request);
  const result = await request.model.search({ filters: bindingFilters(filters), order, page: bindingPage(page), limit }, request.read);
  return { page: result.page, limit: result.limit, count: result.count, order: order ?? null, rows: result.rows };
};

const list: Action = async (request) => {
  const { order, page, limit } = objectData(request);
  const result = await request.model.list({ order, page: bindingPage(page), limit }, request.read);
  return { page: result.page, limit: result.limit, count: result.count, order: order ?? null, rows: result.rows };
};

const create: Action = (request) => request.model.create(objectData(request), request.write);

const update: Action = (request) => request.model.update(keyOf(request), changesOf(request), request.write);

const save: Action = (request) => {
  const data = objectData(request);
  const key = request.model.definition.key;
  return request.model.save(request.hash !== undefined ? { ...data, [key]: request.hash } : data, request.write);
};

const remove: Action = async (request) => {
  const key = keyOf(request);
  await request.model.delete(key, request.write);
  return { ...keyed(request, key), deleted: true };
};

/** The built-in actions by name. */
export const MODEL_ACTIONS: ReadonlyMap<string, Action> = new Map([
  ['retrieve', retrieve],
  ['search', search],
  ['list', list],
  ['create', create],
  ['update', update],
  ['save', save],
  ['delete', remove],
]);

/** The reply's data to `subscribe`/`unsubscribe`: `{"subscribed": bool}`, with the key for one object. */
export function subscriptionReply(request: ActionRequest, key: string | number | undefined, subscribed: boolean): Record<string, unknown> {
  return { ...(key !== undefined ? keyed(request, key) : {}), subscribed };
}
