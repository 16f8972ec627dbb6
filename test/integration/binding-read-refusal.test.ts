/**
 * Auto-subscription asks a model's read rule whether the connection may read anything of it; a refusal is
 * remembered for the connection (its identity is fixed for its life), so a client that may read nothing of a
 * model does not run the app's rule again on every frame of that stream. Other connections ask for themselves,
 * and a connection that may read the model is still joined to its stream. Live server, binding dialect.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type TestClient } from '../helpers/client.js';
import { queryAuth } from '../helpers/binding.js';
import { start, type Running } from '../helpers/server.js';
import { createModels, openStore, type Store } from '../../src/models/index.js';

let store: Store;
let rc: Running;
/** Read-rule calls by user id. */
const calls = new Map<number, number>();
const open: TestClient[] = [];
const client = async (user: number): Promise<TestClient> => {
  const c = await connect(`ws://127.0.0.1:${rc.port}/ws/binding/?user=${user}`);
  open.push(c);
  return c;
};

before(async () => {
  store = await openStore('sqlite::memory:');
  const models = createModels(store);
  // User 13 may read nothing of it; everybody else reads everything.
  models.define({
    name: 'shop.Vault',
    fields: { id: 'key', text: 'text' },
    permissions: {
      read: (identity) => {
        const id = (identity.user as { id: number }).id;
        calls.set(id, (calls.get(id) ?? 0) + 1);
        return id !== 13;
      },
      create: () => true,
    },
  });
  await models.migrate();
  rc = await start({ auth: queryAuth, models });
  rc.server.bind('shop.Vault.ping', () => ({ pong: true }));
});
after(async () => {
  for (const c of open) await c.close();
  await rc.close();
  await store.close();
});

test('a connection refused by the read rule asks it once, not on every frame of the stream; another asks for itself', async () => {
  const refused = await client(13);
  const atOpen = calls.get(13) ?? 0; // the upgrade asks too (the rooms the user may join)
  for (let i = 0; i < 20; i++) assert.deepEqual(await refused.ask({ event: 'shop.Vault.ping' }), { event: 'shop.Vault.ping', data: { pong: true } });
  assert.equal((calls.get(13) ?? 0) - atOpen, 1, 'read-rule calls for 20 frames');
  const again = await client(13);
  const before = calls.get(13) ?? 0;
  await again.ask({ event: 'shop.Vault.ping' });
  await again.ask({ event: 'shop.Vault.ping' });
  assert.equal((calls.get(13) ?? 0) - before, 1, 'a new connection asks for itself, once');
});

test('a connection the rule lets read is joined to the stream on its first frame, and asked no more', async () => {
  const reader = await client(7);
  const atOpen = calls.get(7) ?? 0;
  for (let i = 0; i < 5; i++) await reader.ask({ event: 'shop.Vault.ping' });
  assert.equal((calls.get(7) ?? 0) - atOpen, 1);
  // Joined: besides the reply, the change of the model reaches it.
  const frames = [await reader.ask({ event: 'shop.Vault.create', data: { text: 'gold' } }), await reader.next()].map((f) => (f as { event: string }).event).sort();
  assert.deepEqual(frames, ['shop.Vault.create', 'shop.Vault.retrieve#1']);
});
