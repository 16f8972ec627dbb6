/**
 * `--models FILE`: loads the app's model definitions into a store for `roomcast serve`, creating missing tables.
 *
 * @example
 * // models.mjs
 * export default (models) => {
 *   models.define({ name: 'shop.Order', fields: { id: 'key', item: 'text', qty: 'integer' } });
 * };
 *
 * @module
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createModels, openStore, type Models, type Store } from '../models/index.js';

/** Opens the store, runs the module's default export on a fresh `Models`, creates missing tables. */
export async function loadModels(file: string, storeUrl: string): Promise<{ models: Models; store: Store }> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
  const define = mod.default;
  if (typeof define !== 'function') throw new TypeError('the module must export a default function (models) => { models.define(…) }');
  const store = await openStore(storeUrl);
  try {
    const models = createModels(store);
    await (define as (models: Models) => unknown)(models);
    if (models.all().length === 0) throw new TypeError('the module defined no models');
    await models.migrate();
    return { models, store };
  } catch (err) {
    await store.close();
    throw err;
  }
}
