/**
 * The AMQP trigger source against the real local RabbitMQ.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { createAmqpTriggerSource, type AmqpTriggerSource } from '../../src/triggers/amqp.js';
import { AMQP_URL, amqpSkip, binderTrigger } from '../helpers/amqp.js';
import { eventually } from '../helpers/server.js';
import { hideCredentials, type Logger } from '../../src/log.js';

const skip = await amqpSkip();
const sources: AmqpTriggerSource[] = [];
const exchanges: string[] = [];
const fast = { minMs: 50, maxMs: 300 };

function source(exchange: string, onMessage: (b: string) => void, logger?: Logger): AmqpTriggerSource {
  const s = createAmqpTriggerSource({ url: AMQP_URL, exchange, reconnect: fast, ...(logger ? { logger } : {}) }, onMessage);
  sources.push(s);
  s.start();
  return s;
}
function fresh(): string {
  const name = `roomcast-test-${randomUUID()}`;
  exchanges.push(name);
  return name;
}

before(() => {});
after(async () => {
  await Promise.all(sources.map((s) => s.stop()));
  if (skip !== false) return;
  const c = await connect(AMQP_URL);
  const ch = await c.createChannel();
  for (const e of exchanges) await ch.deleteExchange(e).catch(() => {});
  await c.close();
});

test('a django-binder trigger on the default exchange arrives byte for byte', { skip }, async () => {
  const got: string[] = [];
  const s = source('hightemplar', (b) => got.push(b));
  await s.ready();
  const body = '{"data": {"id": 1.0}, "rooms": [{"auto-updates": "country"}]}';
  await binderTrigger(body);
  await eventually(() => assert.deepEqual(got, [body]), 5000);
});

test('every process (source) receives every trigger', { skip }, async () => {
  const ex = fresh();
  const a: string[] = [];
  const b: string[] = [];
  const sa = source(ex, (m) => a.push(m));
  const sb = source(ex, (m) => b.push(m));
  await Promise.all([sa.ready(), sb.ready()]);
  await binderTrigger({ rooms: [], data: 1 }, ex);
  await binderTrigger({ rooms: [], data: 2 }, ex);
  await eventually(() => {
    assert.equal(a.length, 2);
    assert.equal(b.length, 2);
  }, 5000);
  assert.deepEqual(a, b);
});

test('a throwing handler drops one message, not the next', { skip }, async () => {
  const ex = fresh();
  const got: string[] = [];
  const s = source(ex, (m) => {
    if (m === '"poison"') throw new Error('boom');
    got.push(m);
  });
  await s.ready();
  await binderTrigger('"poison"', ex);
  await binderTrigger('"fine"', ex);
  await eventually(() => assert.deepEqual(got, ['"fine"']), 5000);
});

test('reconnects by itself when the broker drops the connection', { skip }, async () => {
  const ex = fresh();
  const got: string[] = [];
  const s = source(ex, (m) => got.push(m));
  await s.ready();
  assert.equal(s.status().connected, true);
  // Close this source's connection from the broker side, found by its connection name.
  const name = s.status().detail; // "consuming …": find the queue name through rabbitmqctl instead
  assert.ok(name.startsWith('consuming'));
  // Bounded: rabbitmqctl can hang on a broker in trouble, and a synchronous call blocks the test's own timers.
  const ctl = { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' } as const;
  const listing = execFileSync('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties'], ctl);
  const lines = listing.split('\n').filter((l) => l.includes('roomcast roomcast_'));
  assert.ok(lines.length > 0, 'connection visible to the broker');
  for (const line of lines) {
    const pid = line.split('\t')[0] as string;
    execFileSync('rabbitmqctl', ['-q', 'close_connection', pid, 'test: dropping the connection'], ctl);
  }
  await eventually(() => assert.equal(s.status().connected, false), 5000);
  await eventually(() => assert.equal(s.status().connected, true), 10_000);
  await binderTrigger('"after"', ex);
  await eventually(() => assert.deepEqual(got, ['"after"']), 5000);
});

test('an unreachable broker: ready() rejects in time, nothing throws, stop() ends the retries', async () => {
  const s = createAmqpTriggerSource({ url: 'amqp://guest:guest@127.0.0.1:9/', reconnect: fast }, () => {});
  s.start();
  await assert.rejects(s.ready(500), /not ready/);
  assert.equal(s.status().connected, false);
  await s.stop();
  assert.equal(s.status().detail, 'stopped');
});

test('an exchange declared differently (durable) is reported and retried, not a crash', { skip }, async () => {
  const ex = fresh();
  const c = await connect(AMQP_URL);
  const ch = await c.createChannel();
  await ch.assertExchange(ex, 'direct', { durable: true });
  const errors: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn() {}, error: (o, m) => errors.push(`${m} ${JSON.stringify(o)}`) };
  const s = source(ex, () => {}, log);
  await eventually(() => assert.ok(errors.length >= 2, 'retried'), 5000);
  assert.match(errors[0] ?? '', /PRECONDITION_FAILED/);
  assert.equal(s.status().connected, false);
  await s.stop();
  await ch.deleteExchange(ex);
  await c.close();
});

test('passwords are masked in logs', () => {
  assert.equal(hideCredentials('amqp://user:s3cret@host:5672/vh'), 'amqp://user:***@host:5672/vh');
  assert.equal(hideCredentials('amqp://host'), 'amqp://host');
});
