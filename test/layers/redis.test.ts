/**
 * What the Redis layer shows of its URL: never the password (DESIGN.md, security principles).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { createRedisLayer } from '../../src/layers/redis.js';

test('status and error log lines show the Redis URL without its password', async () => {
  // A port that refuses: bind one, then free it.
  const probe = createNetServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const lines: string[] = [];
  const log = (context: object, message?: string): void => void lines.push(`${message ?? ''} ${JSON.stringify(context)}`);
  const layer = createRedisLayer({ url: `redis://app:s3cret@127.0.0.1:${port}/0`, logger: { debug: log, info: log, warn: log, error: log } });
  try {
    await layer.attach({ deliver: () => {}, direct: () => {} });
    const status = layer.status();
    assert.equal(status.ok, false);
    assert.match(status.detail ?? '', new RegExp(`at redis://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/0 is not ready \\([^)]*\\): cross-node delivery is down`));
    assert.ok(lines.length > 0, 'the failed connect is logged');
    for (const line of [...lines, status.detail ?? '']) assert.ok(!line.includes('s3cret'), line);
  } finally {
    await layer.close();
  }
});
