/**
 * scripts/test.mjs (`npm test`) ends on its own, pass or fail: a test file that hangs fails after
 * ROOMCAST_TEST_TIMEOUT seconds instead of holding the run, and a process a test file left running is killed
 * and fails the run. The fixture gets 10 s, time enough to start on a busy machine (the leak case must pass
 * before its file is judged).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = new URL('../../scripts/test.mjs', import.meta.url).pathname;
const FIXTURE = new URL('../fixtures/leaves-a-process.ts', import.meta.url).pathname;

/** Whether `pid` runs (a killed orphan may stay a zombie until init reaps it: that is not running). */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

/** Runs the test script on the fixture; kills its whole process group if it has not ended after `limitMs`. */
async function runScript(mode: string, limitMs: number): Promise<{ code: number | null; output: string; ms: number; pid: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-runner-'));
  const pidFile = join(dir, 'pid');
  const began = Date.now();
  // Without node:test's marker of its own child processes, which would make the script's node:test report to us.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const child = spawn(process.execPath, [SCRIPT, FIXTURE], {
    env: { ...env, ROOMCAST_TEST_TIMEOUT: '10', FIXTURE_MODE: mode, FIXTURE_PID_FILE: pidFile },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), limitMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  let pid = 0;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { code, output, ms: Date.now() - began, pid };
}

for (const [mode, what] of [['hang', 'a test file that hangs'], ['leak', 'a passing test file that leaves a process running']] as const) {
  test(`${what} fails the run, which ends on its own and leaves nothing running`, async () => {
    const r = await runScript(mode, 60_000);
    try {
      assert.ok(r.ms < 60_000, `the run ended by itself (it took ${r.ms} ms)`);
      assert.equal(r.code, 1, r.output);
      if (mode === 'hang') assert.match(r.output, /test timed out after 10000ms/);
      assert.match(r.output, new RegExp(`still running, now killed:\\n {2}${r.pid} sleep 300`));
      assert.ok(r.pid > 0 && !alive(r.pid), `sleep ${r.pid} was killed`);
    } finally {
      if (r.pid > 0 && alive(r.pid)) process.kill(r.pid, 'SIGKILL');
    }
  });
}
