/**
 * high-templar 3.x's message cases with triggers over RabbitMQ, as django-binder sends them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect as amqpConnect } from 'amqplib';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import { AMQP_URL, amqpSkip, binderTrigger } from '../helpers/amqp.js';
import { connect, type TestClient } from '../helpers/client.js';
import { eventually, start, type Running } from '../helpers/server.js';

const skip = await amqpSkip();
const exchange = `roomcast-test-${randomUUID()}`;
let rc: Running;
let a: TestClient;
let b: TestClient;

before(async () => {
  if (skip !== false) return;
  rc = await start({ auth: createAnonymousAuth([{ customer: '*' }]), amqp: { url: AMQP_URL, exchange } });
  await eventually(async () => {
    const health = (await (await fetch(`${rc.url}/healthz`)).json()) as { amqp?: { connected: boolean } };
    assert.equal(health.amqp?.connected, true);
  }, 10_000);
  a = await connect(rc.wsUrl);
  b = await connect(rc.wsUrl);
  await a.next();
  await b.next();
  await a.ask({ type: 'subscribe', room: { customer: '1' }, requestId: 'ra' });
  await b.ask({ type: 'subscribe', room: { customer: '1' }, requestId: 'rb' });
  await b.ask({ type: 'subscribe', room: { customer: '2' }, requestId: 'rb2' });
});
after(async () => {
  if (skip !== false) return;
  await Promise.all([a.close(), b.close()]);
  await rc.close();
  const c = await amqpConnect(AMQP_URL);
  const ch = await c.createChannel();
  await ch.deleteExchange(exchange);
  await c.close();
});

test('a subscription gets the message; each socket its own requestId', { skip }, async () => {
  await binderTrigger({ data: { foo: 'bar' }, rooms: [{ customer: '1' }] }, exchange);
  assert.deepEqual(await a.next(), { data: { foo: 'bar' }, type: 'publish', requestId: 'ra' });
  assert.deepEqual(await b.next(), { data: { foo: 'bar' }, type: 'publish', requestId: 'rb' });
});

test('subscribed room plus an unknown room: exactly one publish', { skip }, async () => {
  await binderTrigger({ data: 1, rooms: [{ customer: '1' }, { customer: 'none' }] }, exchange);
  assert.deepEqual(await a.next(), { data: 1, type: 'publish', requestId: 'ra' });
  assert.deepEqual(await b.next(), { data: 1, type: 'publish', requestId: 'rb' });
  await a.silence(200);
});

test('no permission, no message; a malformed message is dropped alone', { skip }, async () => {
  await binderTrigger('not json', exchange);
  await binderTrigger({ data: 2, rooms: [{ customer: '2' }] }, exchange);
  assert.deepEqual(await b.next(), { data: 2, type: 'publish', requestId: 'rb2' });
  await a.silence(200);
});

test('status counts AMQP messages', { skip }, async () => {
  const s = (await a.ask({ type: 'status' })) as { rabbitmq_messages_received: number };
  assert.ok(s.rabbitmq_messages_received >= 4, JSON.stringify(s));
});
