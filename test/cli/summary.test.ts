/**
 * The start-up summary names the defaults of the flags it describes as the flag table gives them (the one place
 * they are written), and flagDefault reads that table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLAGS, flagDefault } from '../../src/cli/flags.js';
import { startupSummary } from '../../src/cli/summary.js';

const tableDefault = (name: string): string => {
  const value = FLAGS.find((f) => f.name === name)?.default;
  assert.ok(value !== undefined, name);
  return value;
};

test('flagDefault is the default FLAGS writes, for every flag that has one; a flag without one is a mistake', () => {
  for (const f of FLAGS) {
    if (f.default !== undefined) assert.equal(flagDefault(f.name), f.default, f.name);
    else assert.throws(() => flagDefault(f.name), { message: `--${f.name} has no default in FLAGS` });
  }
  assert.throws(() => flagDefault('no-such-flag'), { message: '--no-such-flag has no default in FLAGS' });
});

test('the summary of settings left unset names the flag table defaults: Redis URL and prefix, bootstrap timeout, AMQP exchange', () => {
  const settings = new Map<string, string>([
    ['layer', 'redis'],
    ['api-url', 'http://backend.example/api/'],
    ['amqp-url', 'amqp://guest:secret@127.0.0.1:5672/'],
  ]);
  const summary = startupSummary({ settings, options: {}, url: 'http://127.0.0.1:8080', dialects: [], demo: false });
  assert.equal(summary.layer, `redis ${tableDefault('redis-url')}, channels prefixed ${tableDefault('redis-prefix')}`);
  assert.equal(summary.auth, `backend: GET http://backend.example/api/bootstrap/ for each connection, ${tableDefault('bootstrap-timeout')} ms timeout`);
  assert.match(summary.triggers ?? '', new RegExp(`; AMQP exchange ${tableDefault('amqp-exchange')} at amqp://guest:\\*\\*\\*@127\\.0\\.0\\.1:5672/$`));
});
