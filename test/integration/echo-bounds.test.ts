/**
 * No reply grows with the client's text beyond one echo (issue 13, item 5): an error message quotes at most a
 * 64-character prefix of what the client sent (src/wire/quote.ts), in every dialect, so a 60 KB event or type
 * comes back once (as the echoed routing field) instead of twice. Against a live server on loopback.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../helpers/client.js';
import { startBinding, type BindingFixture } from '../helpers/binding.js';
import { openStore, type Store } from '../../src/models/index.js';

const HUGE = 'x'.repeat(60_000);
/** What a reply may add to the client's frame: the envelope, fixed words and a 64-character quote. */
const SLACK = 300;

let store: Store;
let fx: BindingFixture;

before(async () => {
  store = await openStore('sqlite::memory:');
  fx = await startBinding(store, { todo: 'echo_todo', tag: 'echo_tag' });
});
after(async () => {
  await fx.close();
  await store.close();
});

/** Sends `frame` and checks the reply: at most `echo` (the routing field sent back whole) plus SLACK bytes. */
async function bounded(url: string, frame: unknown, echo: number, skip = 0): Promise<Record<string, unknown>> {
  const c = await connect(url);
  try {
    for (let i = 0; i < skip; i++) await c.nextText();
    c.send(frame);
    const reply = await c.nextText();
    assert.ok(reply.length <= echo + SLACK, `a reply of ${reply.length} bytes to a frame of ${JSON.stringify(frame).length}: ${reply.slice(0, 200)}…`);
    const parsed = JSON.parse(reply) as Record<string, unknown>;
    for (const key of ['error', 'message']) {
      if (typeof parsed[key] === 'string') assert.ok((parsed[key] as string).length <= 200, `${key} is ${(parsed[key] as string).length} characters`);
    }
    return parsed;
  } finally {
    await c.close();
  }
}

test('binding: an unknown 60 KB event is echoed once and quoted as a 64-character prefix', async () => {
  const url = `ws://127.0.0.1:${fx.rc.port}/ws/binding/?user=1`;
  const event = `shop.${HUGE}.list`;
  const reply = await bounded(url, { event }, event.length);
  assert.equal(reply.event, event);
  assert.equal(reply.code, 'no-binding');
  assert.equal(reply.error, `No binding found for ${event.slice(0, 64)}…`);
});

test('binding: a 60 KB key in the hash, a field name, a filter and an order are quoted as a prefix', async () => {
  const url = `ws://127.0.0.1:${fx.rc.port}/ws/binding/?user=1`;
  // An integer key that is no integer (the dialect's message) and a text key that does not exist (the model's).
  for (const stream of ['shop.Todo', 'shop.Tag']) {
    const event = `${stream}.retrieve#${HUGE}`;
    const reply = await bounded(url, { event }, event.length);
    assert.equal(reply.code, 'not-found');
    assert.match(reply.error as string, /^shop\.(Todo|Tag) "?x{63,64}…"? does not exist$/);
  }
  const search = await bounded(url, { event: 'shop.Todo.search', data: { order: HUGE } }, 0);
  assert.equal(search.error, `search: cannot order by unknown field '${'x'.repeat(64)}…'`);
  const filter = await bounded(url, { event: 'shop.Todo.search', data: { filters: { [HUGE]: 1 } } }, 0);
  assert.equal(filter.error, `search: unknown field '${'x'.repeat(64)}…'`);
  const operator = await bounded(url, { event: 'shop.Todo.search', data: { filters: { title: { [HUGE]: 1 } } } }, 0);
  assert.match(operator.error as string, new RegExp(`^search: title: unknown operator 'x{64}…'`));
  const create = await bounded(url, { event: 'shop.Todo.create', data: { owner: 1, [HUGE]: 1 } }, 0);
  assert.deepEqual(create.details, [`${'x'.repeat(64)}…: unknown field`]);
});

test('rohrpost: an unknown 60 KB type (a string or a number) is echoed once and quoted as a prefix', async () => {
  const url = `ws://127.0.0.1:${fx.rc.port}/ws/rohrpost/?user=1`;
  const reply = await bounded(url, { type: HUGE, id: 1 }, HUGE.length);
  assert.equal(reply.type, HUGE);
  assert.equal(reply.error, `Unknown message type '${'x'.repeat(64)}…'.`);
  const digits = '7'.repeat(60_000);
  const number = await bounded(url, `{"type":${digits},"id":2}`, digits.length);
  assert.equal(number.error, `Unknown message type '${'7'.repeat(64)}…'.`);
});

test('templar: 60 KB types, rooms and request ids get fixed error strings', async () => {
  const url = `ws://127.0.0.1:${fx.rc.port}/ws/?user=1`;
  // The greeting comes first.
  assert.equal((await bounded(url, { type: HUGE }, 0, 1)).message, 'message-type-not-allowed');
  assert.equal((await bounded(url, { type: 'subscribe', room: { [HUGE]: 1 }, requestId: 1 }, 0, 1)).message, 'room-too-large');
  assert.equal((await bounded(url, { type: 'unsubscribe', requestId: HUGE }, 0, 1)).message, 'not-subscribed');
  assert.equal((await bounded(url, `{"type":"subscribe","room":${HUGE}}`, 0, 1)).message, 'non-json-message');
});
