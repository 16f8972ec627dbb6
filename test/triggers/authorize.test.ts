import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopback, refuseTrigger } from '../../src/triggers/authorize.js';

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

test('bearer secret, or Basic password', () => {
  const o = { secret: 's3cret' };
  assert.equal(refuseTrigger('Bearer s3cret', '10.0.0.1', o), undefined);
  assert.equal(refuseTrigger(basic('roomcast', 's3cret'), '10.0.0.1', o), undefined);
  assert.equal(refuseTrigger('Bearer wrong', '10.0.0.1', o), 'missing or wrong trigger secret');
  assert.equal(refuseTrigger(undefined, '127.0.0.1', o), 'missing or wrong trigger secret');
  assert.equal(refuseTrigger('Bearer s3cre', '10.0.0.1', o), 'missing or wrong trigger secret');
});

test('loopback only when allowed', () => {
  assert.equal(refuseTrigger(undefined, '127.0.0.1', { allowLoopback: true }), undefined);
  assert.equal(refuseTrigger(undefined, '::ffff:127.0.0.1', { allowLoopback: true }), undefined);
  assert.equal(refuseTrigger(undefined, '192.168.1.2', { allowLoopback: true }), 'triggers are accepted from loopback only');
  assert.match(refuseTrigger(undefined, '127.0.0.1', {}) ?? '', /disabled/);
});

test('loopback addresses', () => {
  for (const a of ['127.0.0.1', '127.5.5.5', '::1', '::ffff:127.0.0.1']) assert.ok(isLoopback(a));
  for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '1.127.0.0', undefined]) assert.equal(isLoopback(a), false);
});
