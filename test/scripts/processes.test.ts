/**
 * test/helpers/cli.ts, which every test that runs `roomcast` as a process goes through: a process that does not
 * listen in time, or exits instead, is killed and reported with its output; `stop` escalates to SIGKILL; a
 * process that should exit but does not is killed too. So no failed wait leaves a server running.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exited, listening, run, stop } from '../helpers/cli.js';

test('a server that does not listen in time is killed, and the error says so', async () => {
  const p = run(['serve', '--port', '0', '--allow-anonymous']);
  await assert.rejects(listening(p, 1), /roomcast did not listen within 1 ms/);
  assert.equal(p.child.signalCode, 'SIGKILL', 'killed, not left running');
});

test('a server that exits before listening is reported at once, with its output', async () => {
  const began = Date.now();
  await assert.rejects(listening(run(['serve', '--port', 'x'])), /exited \(2\) before listening[\s\S]*--port: expected a whole number/);
  assert.ok(Date.now() - began < 30_000);
});

test('stop: SIGTERM, then SIGKILL when the process has not exited within the grace period', async () => {
  const p = run(['serve', '--port', '0', '--allow-anonymous']);
  await listening(p);
  p.child.kill('SIGSTOP'); // a stopped process cannot act on SIGTERM
  assert.equal(await stop(p, 'SIGTERM', 300), null);
  assert.equal(p.child.signalCode, 'SIGKILL');
  assert.equal(await stop(p), null, 'stopping again is harmless');
});

test('exited: a process that should end by itself but listens instead is killed', async () => {
  const p = run(['serve', '--port', '0', '--allow-anonymous']);
  try {
    await listening(p);
    await assert.rejects(exited(p, 300), /did not exit within 300 ms/);
    assert.equal(p.child.signalCode, 'SIGKILL');
  } finally {
    await stop(p, 'SIGKILL');
  }
});
