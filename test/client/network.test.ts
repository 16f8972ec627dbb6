/**
 * Online/visibility awareness, with the browser's signals replaced by a controllable source: offline, the client
 * does not burn reconnect attempts; `online` reconnects at once; so does the page becoming visible.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import { RohrpostClient, type NetworkSignals } from '../../src/client/index.js';
import { start } from '../helpers/server.js';
import { freePort, sleep } from './helpers.js';

function fakeNetwork(): NetworkSignals & { set(online: boolean): void; show(): void } {
  let online = true;
  let onOnline = (): void => {};
  let onVisible = (): void => {};
  return {
    online: () => online,
    watch(a, b) {
      onOnline = a;
      onVisible = b;
      return () => {};
    },
    set(value) {
      online = value;
      if (value) onOnline();
    },
    show: () => onVisible(),
  };
}

test('offline: no retries until the network is back, then one at once; visible: retry without waiting', async () => {
  const port = await freePort();
  const auth = createAnonymousAuth([]);
  let rc = await start({ port, auth });
  const network = fakeNetwork();
  const c = new RohrpostClient(`ws://127.0.0.1:${port}/ws/rohrpost/`, { WebSocket, network, reconnect: { minMs: 60_000, maxMs: 60_000 } });
  await c.next('open', 5000);
  let attempts = 0;
  c.on('reconnecting', () => attempts++);

  network.set(false);
  const closed = c.next('close', 5000);
  await rc.close();
  await closed;
  rc = await start({ port, auth });
  await sleep(200);
  assert.equal(attempts, 0);
  assert.equal(c.state, 'waiting');
  network.set(true);
  await c.next('open', 5000);
  assert.equal(attempts, 1);

  // A minute's backoff is cut short when the page becomes visible.
  const closed2 = c.next('close', 5000);
  await rc.close();
  await closed2;
  rc = await start({ port, auth });
  network.show();
  await c.next('open', 5000);
  c.close();
  await rc.close();
});
