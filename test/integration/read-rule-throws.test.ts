/**
 * A model read rule that throws (the app's bug) means "this user may read nothing of that model", on a live server
 * with models and no bootstrap, where the upgrade asks every model which rooms the user may join (`roomsFor`):
 * the upgrade succeeds, in every dialect, the other models' rooms still come, reads answer as for a user who may
 * read nothing, and the failure is logged once per model, with the error.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type TestClient } from '../helpers/client.js';
import { queryAuth } from '../helpers/binding.js';
import { start, type Running } from '../helpers/server.js';
import { dropTables, engines, uniqueTable } from '../models/stores.js';
import { createModels, type Model, type Store } from '../../src/models/index.js';
import type { Logger } from '../../src/log.js';

for (const engine of engines) {
  describe(`a throwing read rule on ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    let rc: Running;
    let notes: Model;
    const tables = [uniqueTable('rule_note'), uniqueTable('rule_memo'), uniqueTable('rule_card')];
    const errors: { context: Record<string, unknown>; message: string }[] = [];
    const logger: Logger = { debug() {}, info() {}, warn() {}, error: (context, message = '') => void errors.push({ context: context as Record<string, unknown>, message }) };
    const open: TestClient[] = [];
    const client = async (path: string): Promise<TestClient> => {
      const c = await connect(`ws://127.0.0.1:${rc.port}${path}`);
      open.push(c);
      return c;
    };

    before(async () => {
      store = await engine.open();
      const models = createModels(store);
      // Broken for user 13 only: everybody else reads everything.
      notes = models.define({
        name: 'bench.Note',
        table: tables[0],
        fields: { id: 'key', text: 'text' },
        permissions: {
          read: (identity) => {
            if ((identity.user as { id: number } | null)?.id === 13) throw new Error('note rule bug');
            return true;
          },
        },
      });
      models.define({ name: 'bench.Memo', table: tables[1], fields: { id: 'key', text: 'text' } });
      // An app's own roomsFor that throws is the same bug in another place.
      models.define({
        name: 'bench.Card',
        table: tables[2],
        fields: { id: 'key', text: 'text' },
        roomsFor: () => {
          throw new Error('card rooms bug');
        },
      });
      await models.migrate();
      rc = await start({ auth: queryAuth, models, logger });
      await notes.create({ text: 'hello' });
    });
    after(async () => {
      for (const c of open) await c.close();
      await rc.close();
      await dropTables(store, tables);
      await store.close();
    });

    test('the upgrade succeeds in every dialect; the greeting lists only the rooms of the models that did not throw', async () => {
      const templar = await client('/ws/?user=13');
      assert.deepEqual(await templar.next(), {
        is_authorized: true,
        allowed_rooms: [{ 'auto-updates': 'memo' }, { id: '*', type: 'memo' }],
      });
      const rohrpost = await client('/ws/rohrpost/?user=13');
      assert.deepEqual(await rohrpost.ask({ id: 1, type: 'subscribe', data: { type: 'note', id: 1 } }), { id: 1, type: 'subscribe', error: 'ACCESS_DENIED' });
      assert.deepEqual(await rohrpost.ask({ id: 2, type: 'subscribe', data: { type: 'memo', id: 1 } }), { id: 2, type: 'subscribe', data: { group: 'memo-1' } });
      // Another user, for whom the rule does not throw, gets the note rooms too.
      const other = await client('/ws/?user=7');
      assert.deepEqual(await other.next(), {
        is_authorized: true,
        allowed_rooms: [{ 'auto-updates': 'note' }, { id: '*', type: 'note' }, { 'auto-updates': 'memo' }, { id: '*', type: 'memo' }],
      });
    });

    test('reads answer as for a user who may read nothing of the model; other models read as before', async () => {
      const binding = await client('/ws/binding/?user=13');
      assert.deepEqual(await binding.ask({ event: 'bench.Note.retrieve#1', data: {} }), {
        event: 'bench.Note.retrieve#1',
        error: 'bench.Note 1 does not exist',
        code: 'not-found',
      });
      assert.deepEqual(await binding.ask({ event: 'bench.Note.list', data: {} }), {
        event: 'bench.Note.list',
        data: { page: 1, limit: 25, count: 0, order: null, rows: [] },
      });
      assert.deepEqual(await binding.ask({ event: 'bench.Memo.list', data: {} }), {
        event: 'bench.Memo.list',
        data: { page: 1, limit: 25, count: 0, order: null, rows: [] },
      });
      const rest = await fetch(`${rc.url}/api/bench/note/1/?user=13`);
      assert.equal(rest.status, 404);
      const allowed = await fetch(`${rc.url}/api/bench/note/1/?user=7`);
      assert.equal(allowed.status, 200);
    });

    test('each broken rule is logged once, with its error, however many connections ran into it', async () => {
      for (let i = 0; i < 3; i++) await (await client('/ws/?user=13')).next();
      const rule = errors.filter((e) => e.context.model === 'bench.Note');
      assert.equal(rule.length, 1, JSON.stringify(errors.map((e) => e.message)));
      assert.match(rule[0]!.message, /read rule/);
      assert.equal((rule[0]!.context.err as Error).message, 'note rule bug');
      const rooms = errors.filter((e) => e.context.model === 'bench.Card');
      assert.equal(rooms.length, 1);
      assert.equal((rooms[0]!.context.err as Error).message, 'card rooms bug');
    });
  });
}
