/**
 * Model changes reach subscribers on a live server: templar rooms get django-binder's `data: ""` (or the ids),
 * rohrpost groups get rohrpost's `subscription-update`, only readers of the object receive it, rolled-back work
 * sends nothing, the writer can be spared its echo, and a change on one node reaches subscribers on another
 * (memory bus and Redis).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AuthStrategy } from '../../src/auth/strategy.js';
import { createRoomMatcher } from '../../src/rooms/matcher.js';
import { roomGroup, toRoom, type Room } from '../../src/rooms/room.js';
import { createMemoryBus, createMemoryLayer } from '../../src/layers/memory.js';
import { createRedisLayer } from '../../src/layers/redis.js';
import type { Layer } from '../../src/layers/layer.js';
import { createModels, openStore, type Model, type Models, type ModelOptions, type Store } from '../../src/models/index.js';
import { connect, type TestClient } from '../helpers/client.js';
import { REDIS_URL, redisSkip } from '../helpers/redis.js';
import { start, type Running } from '../helpers/server.js';

const roomList: Record<string, string>[] = [{ 'auto-updates': 'todo' }, { type: 'todo', id: '*' }];
const rooms = roomList.map((r) => toRoom(r) as Room);
/** `?token=<n>` is user n, allowed the todo rooms. */
const auth: AuthStrategy = async (request) => {
  const token = new URL(request.url, 'http://x').searchParams.get('token');
  return token === null ? { kind: 'denied', reason: 'no token' } : { kind: 'allowed', identity: { user: { id: Number(token) }, rooms: createRoomMatcher(rooms) } };
};
const todoOptions = (extra: Partial<ModelOptions> = {}): ModelOptions => ({
  name: 'app.Todo',
  table: `todo_${randomUUID().slice(0, 8)}`,
  fields: { id: 'key', title: 'text', owner: 'integer' },
  permissions: { read: (identity) => ({ owner: (identity.user as { id: number }).id }) },
  ...extra,
});

async function setup(extra: Partial<ModelOptions> = {}, layer?: Layer): Promise<{ store: Store; models: Models; todos: Model; rc: Running }> {
  const store = await openStore('sqlite::memory:');
  const models = createModels(store);
  const todos = models.define(todoOptions(extra));
  await models.migrate();
  const rc = await start({ auth, models, ...(layer !== undefined ? { layer } : {}) });
  return { store, models, todos, rc };
}

async function templar(rc: Running, token: number, requestId = 'r1'): Promise<TestClient> {
  const c = await connect(`${rc.wsUrl}?token=${token}`);
  await c.next();
  assert.deepEqual(await c.ask({ type: 'subscribe', room: { 'auto-updates': 'todo' }, requestId }), { code: 'success' });
  return c;
}
async function rohrpost(rc: Running, token: number, id: number): Promise<TestClient> {
  const c = await connect(`ws://127.0.0.1:${rc.port}/ws/rohrpost/?token=${token}`);
  assert.deepEqual(await c.ask({ type: 'subscribe', id: 1, data: { type: 'todo', id } }), { id: 1, type: 'subscribe', data: { group: `todo-${id}` } });
  return c;
}

describe('one node', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    s = await setup();
  });
  after(async () => {
    await s.rc.close();
    await s.store.close();
  });

  test('templar gets data "" and rohrpost a subscription-update, after commit, only for readers of the object', async () => {
    const mine = await templar(s.rc, 1);
    const other = await templar(s.rc, 2);
    const a = await s.todos.create({ title: 'a', owner: 1 });
    assert.equal(await mine.nextText(), '{"type":"publish","data":"","requestId":"r1"}');
    const rp = await rohrpost(s.rc, 1, a.id as number);
    await s.todos.update(a.id, { title: 'b' });
    assert.equal(await mine.nextText(), '{"type":"publish","data":"","requestId":"r1"}');
    const { id, ...update } = (await rp.next()) as { id: unknown };
    assert.equal(typeof id, 'number');
    assert.deepEqual(update, {
      type: 'subscription-update',
      data: { group: `todo-${a.id}`, type: 'update', object: { id: a.id, title: 'b', owner: 1, updated_fields: ['title'] } },
    });
    await other.silence(100);
    for (const c of [mine, other, rp]) await c.close();
  });

  test('rolled-back work sends nothing', async () => {
    const mine = await templar(s.rc, 1);
    await assert.rejects(
      s.models.transaction(async (tx) => {
        await s.todos.create({ title: 'doomed', owner: 1 }, { tx });
        throw new Error('roll back');
      }),
    );
    await mine.silence(150);
    await mine.close();
  });
});

test('templarIds puts the key in the frame; suppressEcho spares the writer', async () => {
  const s = await setup({ templarIds: true, suppressEcho: true });
  s.rc.server.handle('rename', async (ctx, request) => {
    const { id, title } = request.data as { id: number; title: string };
    ctx.reply(await s.todos.update(id, { title }, { origin: ctx.connectionId }));
  });
  const t = await templar(s.rc, 1);
  const a = await s.todos.create({ title: 'a', owner: 1 });
  assert.equal(await t.nextText(), `{"type":"publish","data":{"ids":[${String(a.id)}]},"requestId":"r1"}`);
  const writer = await rohrpost(s.rc, 1, a.id as number);
  const watcher = await rohrpost(s.rc, 1, a.id as number);
  assert.deepEqual(await writer.ask({ type: 'rename', id: 2, data: { id: a.id, title: 'b' } }), { id: 2, type: 'rename', data: { id: a.id, title: 'b', owner: 1 } });
  assert.equal(((await watcher.next()) as { type: string }).type, 'subscription-update');
  await writer.silence(150);
  for (const c of [t, writer, watcher]) await c.close();
  await s.rc.close();
  await s.store.close();
});

const redisSkipped = await redisSkip();
for (const kind of ['memory', 'redis'] as const) {
  test(`a change on one node reaches subscribers on another (${kind} layer)`, { skip: kind === 'redis' ? redisSkipped : false }, async () => {
    const bus = createMemoryBus();
    const prefix = `roomcast-models-${randomUUID()}:`;
    const layer = (): Layer => (kind === 'memory' ? createMemoryLayer({ bus }) : createRedisLayer({ url: REDIS_URL, prefix }));
    // Two nodes, one database: each node defines the same model over the same store.
    const store = await openStore('sqlite::memory:');
    const options = todoOptions();
    const nodes = [];
    for (let i = 0; i < 2; i++) {
      const models = createModels(store);
      const todos = models.define(options);
      await models.migrate();
      nodes.push({ todos, rc: await start({ auth, models, layer: layer() }) });
    }
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const c = await templar(a.rc, 1);
    // Redis: wait until node A listens on the room's channel.
    await new Promise((r) => setTimeout(r, kind === 'redis' ? 200 : 0));
    await b.todos.create({ title: 'from b', owner: 1 });
    assert.equal(await c.nextText(), '{"type":"publish","data":"","requestId":"r1"}');
    await c.silence(100);
    await c.close();
    for (const n of nodes) await n.rc.close();
    await store.close();
  });
}

test('as its own backend, roomcast lets each identity join the rooms its models allow (the RoomController)', async () => {
  const store = await openStore('sqlite::memory:');
  const models = createModels(store);
  models.define(todoOptions());
  models.define({ name: 'app.Secret', table: `secret_${randomUUID().slice(0, 8)}`, fields: { id: 'key' }, permissions: { read: () => false } });
  models.define({
    name: 'app.Note',
    table: `note_${randomUUID().slice(0, 8)}`,
    fields: { id: 'key' },
    roomsFor: (identity) => [{ notes: (identity.user as { id: number }).id }],
  });
  await models.migrate();
  const bare: AuthStrategy = async (request) => ({ kind: 'allowed', identity: { user: { id: Number(new URL(request.url, 'http://x').searchParams.get('token')) }, rooms: createRoomMatcher([]) } });
  const rc = await start({ auth: bare, models });
  const c = await connect(`${rc.wsUrl}?token=7`);
  assert.deepEqual(await c.next(), { is_authorized: true, allowed_rooms: [{ 'auto-updates': 'todo' }, { type: 'todo', id: '*' }, { notes: 7 }] });
  await c.close();
  const rp = await rohrpost(rc, 7, 42);
  await rp.close();
  await rc.close();
  await store.close();
});

test('a corrupted change envelope from the layer is dropped; delivery of the next one goes on', async () => {
  const bus = createMemoryBus();
  const s = await setup({}, createMemoryLayer({ bus }));
  const c = await templar(s.rc, 1);
  // Another node on the same bus, sending what no roomcast node would: a change that is not JSON, and one without a row.
  const other = createMemoryLayer({ bus });
  await other.attach({ deliver: () => {}, direct: () => {} });
  const group = roomGroup(toRoom({ 'auto-updates': 'todo' }) as Room);
  other.publish({ groups: [group], event: 'change', data: 'not json', origin: other.nodeId });
  other.publish({ groups: [group], event: 'change', data: '{"model":"app.Todo","group":"todo-1","object":{}}', origin: other.nodeId });
  await c.silence(100);
  await s.todos.create({ title: 'after', owner: 1 });
  assert.equal(await c.nextText(), '{"type":"publish","data":"","requestId":"r1"}');
  await c.close();
  await other.close();
  await s.rc.close();
  await s.store.close();
});
