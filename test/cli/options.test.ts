/**
 * From CLI settings to server options: `--headers-timeout` and `--request-timeout`, checked, mapped, and
 * honoured by a real `roomcast` process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import fc from 'fast-check';
import { resolveSettings } from '../../src/cli/config.js';
import { toServerOptions } from '../../src/cli/options.js';
import { silentLogger } from '../../src/log.js';
import { DEFAULTS } from '../../src/options.js';
import { httpDeadlines } from '../../src/transport/http-server.js';
import { listening, run, stop } from '../helpers/cli.js';
import { tcpClient } from '../helpers/tcp.js';

const noFile = (): string => {
  throw new Error('ENOENT: no such file');
};

test('--headers-timeout: milliseconds from 0 to 2^31-1, from a flag or ROOMCAST_HEADERS_TIMEOUT, passed on as headersTimeoutMs', () => {
  const flag = resolveSettings({ argv: ['--headers-timeout', '2500'], env: {}, readFile: noFile });
  assert.ok(flag.ok, JSON.stringify(flag));
  assert.equal(toServerOptions(flag.settings, silentLogger).headersTimeoutMs, 2500);
  const env = resolveSettings({ argv: [], env: { ROOMCAST_HEADERS_TIMEOUT: '0' }, readFile: noFile });
  assert.ok(env.ok, JSON.stringify(env));
  assert.equal(toServerOptions(env.settings, silentLogger).headersTimeoutMs, 0);
  const unset = resolveSettings({ argv: [], env: {}, readFile: noFile });
  assert.ok(unset.ok);
  assert.equal(toServerOptions(unset.settings, silentLogger).headersTimeoutMs, undefined, 'the server default applies');
  assert.ok(resolveSettings({ argv: ['--headers-timeout', String(2 ** 31 - 1)], env: {}, readFile: noFile }).ok);
  const bad = resolveSettings({ argv: ['--headers-timeout', String(2 ** 31)], env: {}, readFile: noFile });
  assert.deepEqual(bad.ok ? [] : bad.problems, [`--headers-timeout: expected a whole number from 0 to ${2 ** 31 - 1} (0: only --request-timeout bounds it), got "${2 ** 31}"`]);
  const text = resolveSettings({ argv: ['--headers-timeout', '5s'], env: {}, readFile: noFile });
  assert.deepEqual(text.ok ? [] : text.problems, ['--headers-timeout: expected a whole number from 0 to 2147483647 (0: only --request-timeout bounds it), got "5s"']);
});

test('roomcast serve --headers-timeout 300: a client that never finishes its request head gets 408 and is disconnected; others are served', async () => {
  const p = run(['serve', '--port', '0', '--allow-anonymous', '--headers-timeout', '300']);
  const sockets: Socket[] = [];
  try {
    const url = await listening(p);
    const client = await tcpClient(Number(new URL(url).port), sockets, ['GET /healthz HTTP/1.1\r\nHost: x\r\n']);
    const ms = await Promise.race([client.closedAfter, new Promise<number>((r) => setTimeout(r, 3000, Infinity))]);
    assert.ok(ms >= 250 && ms < 3000, `closed after ${ms} ms`);
    assert.match(client.received(), /^HTTP\/1\.1 408 /);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  } finally {
    for (const socket of sockets) socket.destroy();
    await stop(p, 'SIGKILL');
  }
});

test('--request-timeout: milliseconds, 0 or at least --headers-timeout (10000 unless given), from a flag or ROOMCAST_REQUEST_TIMEOUT, passed on as requestTimeoutMs', () => {
  const resolve = (argv: string[], env: Record<string, string> = {}) => resolveSettings({ argv, env, readFile: noFile });
  const flag = resolve(['--request-timeout', '45000']);
  assert.ok(flag.ok, JSON.stringify(flag));
  assert.equal(toServerOptions(flag.settings, silentLogger).requestTimeoutMs, 45_000);
  const env = resolve([], { ROOMCAST_REQUEST_TIMEOUT: '0' });
  assert.ok(env.ok, JSON.stringify(env));
  assert.equal(toServerOptions(env.settings, silentLogger).requestTimeoutMs, 0);
  const unset = resolve([]);
  assert.ok(unset.ok);
  assert.equal(toServerOptions(unset.settings, silentLogger).requestTimeoutMs, undefined, 'the server default applies');
  assert.ok(resolve(['--request-timeout', '300', '--headers-timeout', '300']).ok);
  assert.ok(resolve(['--request-timeout', '300', '--headers-timeout', '0']).ok);
  const problems = (argv: string[]): readonly string[] => {
    const r = resolve(argv);
    return r.ok ? [] : r.problems;
  };
  assert.deepEqual(problems(['--request-timeout', '5000']), ['--request-timeout: 5000 is less than --headers-timeout (10000 ms); 0 turns it off']);
  assert.deepEqual(problems(['--request-timeout', '299', '--headers-timeout', '300']), ['--request-timeout: 299 is less than --headers-timeout (300 ms); 0 turns it off']);
  assert.deepEqual(problems(['--request-timeout', String(2 ** 31)]), [`--request-timeout: expected a whole number from 0 to ${2 ** 31 - 1} (0: never), got "${2 ** 31}"`]);
  assert.deepEqual(problems(['--request-timeout', '30s']), ['--request-timeout: expected a whole number from 0 to 2147483647 (0: never), got "30s"']);
});

test('the CLI refuses a pair of deadlines exactly when createServer would (one rule: httpDeadlines), and names the flags', () => {
  const ms = fc.option(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60_000 })), { nil: undefined });
  fc.assert(
    fc.property(ms, ms, (headersTimeoutMs, requestTimeoutMs) => {
      const argv = [
        ...(headersTimeoutMs !== undefined ? ['--headers-timeout', String(headersTimeoutMs)] : []),
        ...(requestTimeoutMs !== undefined ? ['--request-timeout', String(requestTimeoutMs)] : []),
      ];
      const r = resolveSettings({ argv, env: {}, readFile: noFile });
      let thrown = false;
      try {
        httpDeadlines({ headersTimeoutMs, requestTimeoutMs });
      } catch {
        thrown = true;
      }
      const head = headersTimeoutMs ?? DEFAULTS.headersTimeoutMs;
      assert.deepEqual(r.ok ? [] : r.problems, thrown ? [`--request-timeout: ${requestTimeoutMs} is less than --headers-timeout (${head} ms); 0 turns it off`] : [], argv.join(' '));
    }),
    { numRuns: 500 },
  );
});

test('roomcast serve --headers-timeout 100 --request-timeout 400: a trigger whose body trickles in gets 408 and is disconnected; others are served', async () => {
  const p = run(['serve', '--port', '0', '--allow-anonymous', '--trigger-allow-loopback', '--headers-timeout', '100', '--request-timeout', '400']);
  const sockets: Socket[] = [];
  try {
    const url = await listening(p);
    // A head, then the body a byte every 50 ms: far slower than its 100 bytes need within 400 ms.
    const trickle = ['POST /trigger/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{', ...Array.from({ length: 60 }, () => ' ')];
    const client = await tcpClient(Number(new URL(url).port), sockets, trickle, 50);
    const ms = await Promise.race([client.closedAfter, new Promise<number>((r) => setTimeout(r, 3000, Infinity))]);
    assert.ok(ms >= 350 && ms < 3000, `closed after ${ms} ms`);
    assert.match(client.received(), /^HTTP\/1\.1 408 /);
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  } finally {
    for (const socket of sockets) socket.destroy();
    await stop(p, 'SIGKILL');
  }
});
