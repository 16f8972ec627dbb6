/**
 * ChangeEvents: what a committed write tells the world. One envelope per change goes through the hub and the
 * layer like any publish; each dialect renders it its own way, and the hub lets through only the members whose
 * read rule matches the object. Encoding is done once, by the writer's node.
 *
 * @module
 */
import type { Envelope } from '../core/envelope.js';
import { roomGroup, roomOf } from '../rooms/room.js';
import type { ChangeAction, ModelDefinition, ModelObject } from './define.js';

/** A committed change of one object. */
export interface ChangeEvent {
  /** `<app>.<Model>` */
  readonly model: string;
  readonly action: ChangeAction;
  readonly key: string | number;
  /** The object as clients see it: after the change, or as it was when deleted. */
  readonly object: ModelObject;
  /** The fields an update wrote, when it was partial. */
  readonly updatedFields?: readonly string[];
  /** The address of the connection that made it (`<node>/<connection>`), if a client did. */
  readonly origin?: string;
}

/** What renderers need, beyond the event: precomputed by the writer so other nodes need not know the model. */
export interface ChangeWire extends ChangeEvent {
  /** The rohrpost group. */
  readonly group: string;
  /** Whether templar frames carry the key. */
  readonly templarIds: boolean;
  /** The object as stored, for read rules on fields that `serialize` hides (never rendered). */
  readonly row: ModelObject;
}

/** The envelope event of a change. */
export const CHANGE_EVENT = 'change';

/** The hub groups of a binding stream, and of one object of it. */
export const bindingGroup = (model: string, key?: string | number): string => (key === undefined ? `b:${model}` : `b:${model}#${String(key)}`);

/** The envelope that carries a change to every dialect's subscribers, on every node. */
export function changeEnvelope(def: ModelDefinition, change: ChangeEvent, row: ModelObject, nodeId: string): Envelope {
  const rooms: string[] = [];
  for (const r of def.rooms(change.object, change.action)) {
    const room = roomOf(r);
    if (room !== undefined) rooms.push(roomGroup(room));
  }
  const group = def.groupName(change.object, change.action);
  const wire: ChangeWire = { ...change, group, templarIds: def.templarIds, row };
  const exclude = def.suppressEcho && change.origin?.startsWith(`${nodeId}/`) === true ? change.origin.slice(nodeId.length + 1) : undefined;
  return {
    groups: [...rooms, `rp:${group}`, bindingGroup(def.name), bindingGroup(def.name, change.key)],
    event: CHANGE_EVENT,
    data: JSON.stringify(wire),
    origin: nodeId,
    ...(exclude !== undefined ? { exclude } : {}),
  };
}

const parsed = new WeakMap<Envelope, ChangeWire | null>();

/**
 * The change an envelope carries, parsed once per envelope however many dialects render it; `undefined` for one
 * that is not a change (a corrupted message from the layer must not break delivery of the others).
 */
export function changeOf(envelope: Envelope): ChangeWire | undefined {
  let change = parsed.get(envelope);
  if (change === undefined) {
    change = null;
    try {
      const value = JSON.parse(envelope.data) as Partial<ChangeWire> | null;
      if (typeof value === 'object' && value !== null && typeof value.model === 'string' && typeof value.group === 'string' && typeof value.object === 'object' && value.object !== null && typeof value.row === 'object' && value.row !== null) {
        change = value as ChangeWire;
      }
    } catch {
      // left null
    }
    parsed.set(envelope, change);
  }
  return change ?? undefined;
}
