// Runs every test file under test/ with node:test, TypeScript loaded through tsx.
// Node 20 neither expands globs passed to --test nor discovers .ts files, so we list them here.
//
// The run always ends on its own:
// - `--test-timeout` bounds each test file (node:test runs each file as one test and kills a file that overruns)
//   and each test in it: ROOMCAST_TEST_TIMEOUT seconds, default 600 (the whole suite takes a few minutes).
// - node:test runs in a process group of its own. When it has finished, anything still in that group was left
//   running by a test (a server whose file was killed on timeout, a process a test forgot): it is killed, listed,
//   and the run fails. Ctrl-C and SIGTERM are passed on to the whole group.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Processes in process group `pgid` (Linux: /proc), as `pid command` lines. */
function inGroup(pgid) {
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return pids.flatMap((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so split after its last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid || fields[0] === 'Z') return [];
      return [`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`];
    } catch {
      return [];
    }
  });
}

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is empty
  }
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : find('test').sort();
const timeoutS = Number(process.env.ROOMCAST_TEST_TIMEOUT ?? 600);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', `--test-timeout=${timeoutS * 1000}`, ...files],
  { stdio: 'inherit', detached: true },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => killGroup(child.pid, signal));
const status = await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
// A helper process on its way out (a compiler service whose parent just exited) gets a moment to go by itself.
let left = inGroup(child.pid);
for (let i = 0; i < 30 && left.length > 0; i += 1) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  left = inGroup(child.pid);
}
killGroup(child.pid, 'SIGKILL');
if (left.length > 0) {
  console.error(`test: ${left.length} process(es) that tests started were still running, now killed:\n  ${left.join('\n  ')}`);
}
process.exit(left.length > 0 && status === 0 ? 1 : status);
