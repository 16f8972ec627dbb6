/**
 * A model change as rohrpost's `NotifyOnChange` mixins send it: a `subscription-update` to the object's group,
 * with `updated_fields` added to the object after a partial update (rohrpost dossier §1.8). Pure.
 *
 * @module
 */
import type { ChangeWire } from '../../models/changes.js';

let counter = 0;

/**
 * `{"id":…,"type":"subscription-update","data":{"group":…,"type":"create|update|delete","object":{…}}}`. rohrpost
 * gave these a random id in 1..1000; ours count up (clients route them by type, never by id).
 */
export function renderChange(change: ChangeWire): string {
  counter = counter >= 2_000_000_000 ? 1 : counter + 1;
  const fields = change.updatedFields;
  const object =
    fields !== undefined && fields.length > 0 && !('updated_fields' in change.object) ? { ...change.object, updated_fields: fields } : change.object;
  return JSON.stringify({ id: counter, type: 'subscription-update', data: { group: change.group, type: change.action, object } });
}
