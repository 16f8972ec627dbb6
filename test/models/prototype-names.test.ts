/**
 * Names from clients that exist on Object.prototype (`constructor`, `toString`, `__proto__`) are not fields:
 * writes, filters and orderings naming them are refused as invalid, never sent to SQL as columns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModels, ModelError, openStore } from '../../src/models/index.js';

test('prototype names are unknown fields everywhere', async () => {
  const store = await openStore('sqlite::memory:');
  const models = createModels(store);
  const model = models.define({ name: 'a.Thing', fields: { id: 'key', title: 'text' } });
  await models.migrate();
  const invalid = (err: unknown): boolean => err instanceof ModelError && err.code === 'invalid';
  await assert.rejects(model.create({ title: 'x', toString: 1 }), invalid);
  await assert.rejects(model.create(JSON.parse('{"title":"x","__proto__":1}')), invalid);
  const { id } = (await model.create({ title: 'x' })) as { id: number };
  await assert.rejects(model.update(id, { constructor: 'y' }), invalid);
  await assert.rejects(model.search({ filters: { toString: 1 } }), invalid);
  await assert.rejects(model.search({ filters: JSON.parse('{"__proto__":{"eq":1}}') }), invalid);
  await assert.rejects(model.search({ order: '-constructor' }), invalid);
  assert.throws(() => models.define({ name: 'a.Other', key: 'constructor', fields: { title: 'text' } }), /key constructor must be a field/);
  await store.close();
});
