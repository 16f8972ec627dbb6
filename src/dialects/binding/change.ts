/**
 * A committed model change as the binding dialect pushes it (docs/protocols/binding.md, "Changes"): after a create
 * or an update the object's new `retrieve` payload, after a delete a `deleted` event, both hashed with the key so a
 * client can route them to the one object they concern. channels-binding 1.9.8 pushed bare invalidation pings
 * (`updated#<pk>` with `true`) before commit; its earlier versions pushed the `retrieve` payload, which we keep.
 * Pure.
 *
 * @module
 */
import type { ChangeWire } from '../../models/changes.js';

/**
 * `{"event": "<stream>.retrieve#<key>", "data": <object>}` after a create or update;
 * `{"event": "<stream>.deleted#<key>", "data": {"<key field>": <key>, "deleted": true}}` after a delete.
 */
export function renderChange(change: ChangeWire, keyField: string): string {
  const key = change.key;
  if (change.action === 'delete') {
    return JSON.stringify({ event: `${change.model}.deleted#${String(key)}`, data: { [keyField]: key, deleted: true } });
  }
  return JSON.stringify({ event: `${change.model}.retrieve#${String(key)}`, data: change.object });
}
