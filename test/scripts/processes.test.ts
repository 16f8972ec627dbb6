/**
 * test/helpers/cli.ts, which every test that runs `roomcast` as a process goes through: a process that does not
 * listen in time, or exits instead, is killed and reported with its output; `stop` escalates to SIGKILL; a
 * process that should exit but does not is killed too; a command started with `tree` (npm, npx, `sh -c`) is
 * stopped with what it started, which stays in the test's process group. So no failed wait leaves a server running.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { exited, listening, run, spawnTracked, stop, waitForOutput } from '../helpers/cli.js';

/** The state and process group of `pid` (Linux: /proc), or undefined once it is gone. */
function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

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

test('waitForOutput: the match, or a process that exits first is reported with its output', async () => {
  const p = spawnTracked(process.execPath, ['-e', 'console.log("ready at 42")']);
  const [, at] = await waitForOutput(p, /^ready at (\d+)$/m, 30_000);
  assert.equal(at, '42');
  const q = spawnTracked(process.execPath, ['-e', 'console.log("something else")']);
  await assert.rejects(waitForOutput(q, /^ready/m, 30_000), /exited \(0\) before printing \/\^ready\/m:\nsomething else/);
});

test('tree: stop ends a command and the process it started, which stays in the test process group', async () => {
  const script = `${process.execPath} -e "console.log(process.pid); setInterval(() => {}, 1000)" & wait`;
  const p = spawnTracked('sh', ['-c', script], { tree: true });
  let grandchild: number | undefined;
  try {
    const [, pid = ''] = await waitForOutput(p, /^(\d+)$/m, 30_000);
    grandchild = Number(pid);
    assert.equal(procStat(grandchild)?.pgrp, procStat(process.pid)?.pgrp, 'in the group scripts/test.mjs cleans up');
    await stop(p);
    const left = procStat(grandchild);
    assert.ok(left === undefined || left.state === 'Z', `the process sh started is gone (${JSON.stringify(left)})`);
  } finally {
    await stop(p, 'SIGKILL');
    // Should the test fail, the orphan would hold the output pipe open, and this file would not end.
    if (grandchild !== undefined && procStat(grandchild) !== undefined) process.kill(grandchild, 'SIGKILL');
  }
});
