/**
 * The demo's `demo.Order` model without sockets: its rules read the identity's allowed rooms, its schema fills in
 * `created`, the seed runs once per store, and each change names the order's location room with its id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Identity } from '../../src/core/identity.js';
import { allowedLocations, defineOrders, mayJoinGroup, mayWriteAt, orderSchema, readOrders, seedOrders } from '../../src/demo/orders.js';
import { createModels, openStore, type ChangeEvent } from '../../src/models/index.js';
import { ModelError } from '../../src/models/errors.js';
import { createRoomMatcher } from '../../src/rooms/matcher.js';
import { toRoom } from '../../src/rooms/room.js';

function identity(...rooms: Record<string, string | number>[]): Identity {
  return { user: null, rooms: createRoomMatcher(rooms.map((r) => toRoom(r) ?? assert.fail(`room ${JSON.stringify(r)}`))) };
}
const delft = identity({ location: 'Delft' });
const ceo = identity({ location: '*' });
const stranger = identity({ 'auto-updates': 'order' }, { location: 'Delft', floor: '2' }, { location: 7 });

test('allowed locations and the read rule come from the {location} rooms only', () => {
  assert.deepEqual(allowedLocations(delft), ['Delft']);
  assert.equal(allowedLocations(ceo), '*');
  assert.deepEqual(allowedLocations(identity({ location: 'Delft' }, { location: 'Utrecht' })), ['Delft', 'Utrecht']);
  assert.deepEqual(allowedLocations(stranger), [], 'other keys, extra keys and non-text locations give nothing');
  assert.deepEqual(readOrders(delft), { location: { in: ['Delft'] } });
  assert.equal(readOrders(ceo), true);
  assert.equal(readOrders(stranger), false);
});

test('writes are allowed where the rooms allow {location}', () => {
  assert.equal(mayWriteAt(delft, 'Delft'), true);
  assert.equal(mayWriteAt(delft, 'Eindhoven'), false);
  assert.equal(mayWriteAt(ceo, 'Utrecht'), true);
  assert.equal(mayWriteAt(ceo, 7), false);
  assert.equal(mayWriteAt(stranger, 'Delft'), false);
});

test('rohrpost location groups may be joined where the {location} room may', () => {
  assert.equal(mayJoinGroup(delft, { type: 'location', id: 'Delft' }), true);
  assert.equal(mayJoinGroup(delft, { type: 'location', id: 'Utrecht' }), false);
  assert.equal(mayJoinGroup(ceo, { type: 'location', id: 'Utrecht' }), true);
  assert.equal(mayJoinGroup(ceo, { type: 'order', id: 'Utrecht' }), false, 'only location groups');
  assert.equal(mayJoinGroup(ceo, { type: 'location', id: 7 }), false);
  assert.equal(mayJoinGroup(stranger, { type: 'location', id: 'Delft' }), false);
});

test('the schema checks item, qty and location at once and defaults created', async () => {
  const bad = await orderSchema['~standard'].validate({ item: '  ', qty: 0, location: '' });
  assert.deepEqual(bad.issues?.map((i) => i.path?.[0]), ['item', 'qty', 'location']);
  const ok = await orderSchema['~standard'].validate({ item: ' Tea ', qty: 2, location: 'Delft' });
  assert.equal(ok.issues, undefined);
  const value = (ok as { value: Record<string, unknown> }).value;
  assert.equal(value.item, 'Tea');
  assert.equal(typeof value.created, 'string');
  const kept = (await orderSchema['~standard'].validate({ item: 'x', qty: 1, location: 'Delft', created: '2026-01-01T00:00:00.000Z' })) as { value: Record<string, unknown> };
  assert.equal(kept.value.created, '2026-01-01T00:00:00.000Z');
});

test('on SQLite: seeded once, permissions applied, changes name the location room with templar ids', async () => {
  const store = await openStore('sqlite::memory:');
  try {
    const models = createModels(store);
    const orders = defineOrders(models);
    await models.migrate();
    assert.equal(await seedOrders(orders), 5);
    assert.equal(await seedOrders(orders), 0, 'a store with orders is not seeded again');
    assert.equal((await orders.list({}, { as: ceo })).count, 5);
    const seen = await orders.list({ order: '-id' }, { as: delft });
    assert.deepEqual(new Set(seen.rows.map((o) => o.location)), new Set(['Delft']));
    assert.equal((await orders.list({}, { as: stranger })).count, 0);

    const changes: ChangeEvent[] = [];
    models.onChange((c) => changes.push(c));
    const made = await orders.create({ location: 'Delft', item: 'Tulips', qty: 3 }, { as: delft });
    assert.equal(typeof made.created, 'string');
    await assert.rejects(orders.create({ location: 'Eindhoven', item: 'x', qty: 1 }, { as: delft }), (e: ModelError) => e.code === 'forbidden');
    await assert.rejects(orders.update(made.id, { location: 'Utrecht' }, { as: delft }), (e: ModelError) => e.code === 'forbidden');
    await orders.update(made.id, { location: 'Utrecht' }, { as: ceo });
    await assert.rejects(orders.delete(made.id, { as: delft }), (e: ModelError) => e.code === 'not-found', 'Delft can no longer see it');
    await orders.delete(made.id, { as: ceo });
    assert.deepEqual(changes.map((c) => `${c.action} ${String(c.object.location)}`), ['create Delft', 'update Utrecht', 'delete Utrecht']);

    const def = orders.definition;
    assert.deepEqual(def.rooms(made, 'create'), [{ location: 'Delft' }]);
    assert.equal(def.groupName(made, 'create'), 'location-Delft');
    assert.equal(def.templarIds, true);
    assert.deepEqual(models.roomsFor(ceo), [], 'the stub backend alone decides the rooms');
  } finally {
    await store.close();
  }
});
