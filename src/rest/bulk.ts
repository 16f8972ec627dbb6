/**
 * `POST <prefix><app>/<model>/bulk/`: creates, updates and deletes in one transaction — all or nothing, one change
 * event per object, published after commit. The body names any of the three lists; the reply has the same keys
 * with the resulting objects (deleted ones as they were).
 *
 * @example
 * { "create": [{ "title": "a" }], "update": [{ "key": 7, "changes": { "done": true } }], "delete": [3, 4] }
 *
 * @module
 */
import type { Identity } from '../core/identity.js';
import type { ModelObject } from '../models/define.js';
import type { KeyedChanges, Model } from '../models/model.js';
import type { Models } from '../models/index.js';
import { isPlainObject } from '../wire/json.js';

/** A decoded bulk body. */
export interface BulkRequest {
  readonly create?: readonly unknown[];
  readonly update?: readonly KeyedChanges[];
  readonly delete?: readonly unknown[];
}

/** The reply: the keys the request had. */
export interface BulkResult {
  create?: ModelObject[];
  update?: ModelObject[];
  delete?: ModelObject[];
}

/** Most objects one bulk request may touch. */
export const MAX_BULK_ITEMS = 1000;


/** Checks a bulk body's shape (the objects themselves are checked by the model). */
export function decodeBulk(body: unknown): { bulk: BulkRequest } | { error: string } {
  if (!isPlainObject(body)) return { error: 'the body must be a JSON object with "create", "update" and/or "delete" lists' };
  const unknown = Object.keys(body).filter((k) => k !== 'create' && k !== 'update' && k !== 'delete');
  if (unknown.length > 0) return { error: `unknown bulk action ${unknown.map((k) => `'${k}'`).join(', ')} (use create, update, delete)` };
  let total = 0;
  for (const action of ['create', 'update', 'delete'] as const) {
    const list = body[action];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return { error: `${action} must be a list` };
    total += list.length;
  }
  if (total > MAX_BULK_ITEMS) return { error: `at most ${MAX_BULK_ITEMS} objects per bulk request (got ${total})` };
  const update = body.update as unknown[] | undefined;
  if (update !== undefined) {
    for (const [i, item] of update.entries()) {
      if (!isPlainObject(item) || item.key === undefined || !isPlainObject(item.changes)) return { error: `update[${i}] must be {"key": …, "changes": {…}}` };
    }
  }
  return {
    bulk: {
      ...(body.create !== undefined ? { create: body.create as unknown[] } : {}),
      ...(update !== undefined ? { update: update as KeyedChanges[] } : {}),
      ...(body.delete !== undefined ? { delete: body.delete as unknown[] } : {}),
    },
  };
}

/** Runs a bulk request as `identity`: creates, then updates, then deletes, in one transaction. */
export function runBulk(models: Models, model: Model, bulk: BulkRequest, identity: Identity): Promise<BulkResult> {
  return models.transaction(async (tx) => {
    const out: BulkResult = {};
    if (bulk.create !== undefined) out.create = await model.bulkCreate(bulk.create, { as: identity, tx });
    if (bulk.update !== undefined) out.update = await model.bulkUpdate(bulk.update, { as: identity, tx });
    if (bulk.delete !== undefined) out.delete = await model.bulkDelete(bulk.delete, { as: identity, tx });
    return out;
  });
}
