/**
 * The demo's model, `demo.Order`: orders of a location, stored in SQLite and served over REST at
 * `/api/demo/order/`. Who may see and write an order follows the rooms the (stub) backend allows: a branch manager
 * allowed `{"location": "Delft"}` reads and writes Delft's orders only; a CEO allowed `{"location": "*"}` all of
 * them. Each committed change is published to the templar room `{"location": <its location>}` as
 * `{"ids": [id]}`, so a page subscribed to that room refetches its list; to the rohrpost group
 * `location-<its location>`, which a user joins with `{"type": "location", "id": <location>}` where its rooms allow
 * `{"location": <location>}` ({@link mayJoinGroup}); and to the binding stream `demo.Order`.
 *
 * @example
 * const models = createModels(await openStore('sqlite::memory:'));
 * const orders = defineOrders(models);
 * await models.migrate();
 * await seedOrders(orders);
 *
 * @module
 */
import type { Identity } from '../core/identity.js';
import type { ModelObject, Models, Model } from '../models/index.js';
import type { SchemaIssue, StandardSchemaV1 } from '../models/schema.js';
import { WILDCARD, toRoom } from '../rooms/room.js';
import { isPlainObject } from '../wire/json.js';

/** The locations the page offers (the CEO may write any of them). */
export const DEMO_LOCATIONS: readonly string[] = ['Delft', 'Eindhoven', 'Utrecht'];

/**
 * The locations `identity` may see: the `location` of each allowed room that has no other key, or `'*'` when one
 * of them is the wildcard.
 */
export function allowedLocations(identity: Identity): readonly string[] | '*' {
  const out: string[] = [];
  for (const room of identity.rooms.allowed) {
    const value = room.fields.get('location');
    if (value === undefined || room.fields.size !== 1) continue;
    if (value === WILDCARD) return '*';
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'string') out.push(parsed);
  }
  return out;
}

/** Whether `identity` may write an order of `location`: its rooms allow `{"location": location}`. */
export function mayWriteAt(identity: Identity, location: unknown): boolean {
  if (typeof location !== 'string') return false;
  const room = toRoom({ location });
  return room !== undefined && identity.rooms.allows(room);
}

/**
 * The demo's rohrpost `canSubscribe`: a target `{"type": "location", "id": L}` (group `location-L`, where the orders of
 * L are published) may be joined where `{"location": L}` may; no other target may.
 */
export function mayJoinGroup(identity: Identity, target: { readonly type: string; readonly id: string | number }): boolean {
  return target.type === 'location' && typeof target.id === 'string' && mayWriteAt(identity, target.id);
}

/** The read rule: everything for a wildcard, else a filter on the allowed locations (none: nothing). */
export function readOrders(identity: Identity): unknown {
  const locations = allowedLocations(identity);
  if (locations === '*') return true;
  return locations.length === 0 ? false : { location: { in: locations } };
}

/**
 * A Standard Schema validator for orders: a non-empty item, a quantity from 1 to 1000, a location, and `created`
 * defaulting to now (the page need not send it).
 */
export const orderSchema: StandardSchemaV1<ModelObject, ModelObject> = {
  '~standard': {
    version: 1,
    vendor: 'roomcast-demo',
    validate(value) {
      if (!isPlainObject(value)) return { issues: [{ message: 'must be an object' }] };
      const issues: SchemaIssue[] = [];
      const item = typeof value.item === 'string' ? value.item.trim() : '';
      if (item === '' || item.length > 100) issues.push({ message: 'must be 1 to 100 characters', path: ['item'] });
      if (typeof value.qty !== 'number' || !Number.isInteger(value.qty) || value.qty < 1 || value.qty > 1000) {
        issues.push({ message: 'must be a whole number from 1 to 1000', path: ['qty'] });
      }
      if (typeof value.location !== 'string' || value.location === '') issues.push({ message: 'is required', path: ['location'] });
      if (issues.length > 0) return { issues };
      return { value: { ...value, item, created: value.created ?? new Date().toISOString() } };
    },
  },
};

/** Defines `demo.Order` on `models`. */
export function defineOrders(models: Models): Model {
  return models.define({
    name: 'demo.Order',
    fields: { id: 'key', location: 'text', item: 'text', qty: 'integer', created: 'timestamp' },
    schema: orderSchema,
    rooms: (order) => [{ location: String(order.location) }],
    groupName: (order) => `location-${String(order.location)}`,
    // The stub backend decides who joins which room; the model adds none of its own.
    roomsFor: () => [],
    templarIds: true,
    pageSize: 50,
    permissions: {
      read: readOrders,
      create: (identity, data) => mayWriteAt(identity, data.location),
      update: (identity, order, changes) => mayWriteAt(identity, order.location) && (!('location' in changes) || mayWriteAt(identity, changes.location)),
      delete: (identity, order) => mayWriteAt(identity, order.location),
    },
  });
}

const SEED: readonly { location: string; item: string; qty: number; minutesAgo: number }[] = [
  { location: 'Delft', item: 'Blue pottery tiles', qty: 24, minutesAgo: 95 },
  { location: 'Eindhoven', item: 'Soldering irons', qty: 6, minutesAgo: 80 },
  { location: 'Utrecht', item: 'Bicycle bells', qty: 40, minutesAgo: 64 },
  { location: 'Delft', item: 'Stroopwafels', qty: 12, minutesAgo: 30 },
  { location: 'Eindhoven', item: 'LED strips', qty: 15, minutesAgo: 12 },
];

/** Adds a few orders when there are none (a `--store` file that already has orders keeps them). @returns how many were added */
export async function seedOrders(orders: Model, now = Date.now()): Promise<number> {
  if ((await orders.list({ limit: 1 })).count > 0) return 0;
  await orders.bulkCreate(
    SEED.map(({ minutesAgo, ...order }) => ({ ...order, created: new Date(now - minutesAgo * 60_000).toISOString() })),
  );
  return SEED.length;
}
