/**
 * Graceful shutdown: stop accepting, deliver triggers already accepted, close sockets with 1001.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcp } from 'node:net';
import { connect } from '../helpers/client.js';
import { start } from '../helpers/server.js';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';

test('clients get 1001; a trigger whose body was still arriving is delivered first; new upgrades are refused', async () => {
  const rc = await start({ auth: createAnonymousAuth([{ r: '*' }]), trigger: { allowLoopback: true } });
  const c = await connect(rc.wsUrl);
  await c.next();
  await c.ask({ type: 'subscribe', room: { r: 1 }, requestId: 'x' });

  const body = JSON.stringify({ rooms: [{ r: 1 }], data: 'last words' });
  const sock = tcp(rc.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  sock.write(`POST /trigger/ HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
  await new Promise((r) => setTimeout(r, 50));

  const closing = rc.close();
  await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(connect(rc.wsUrl));
  let answer = '';
  sock.on('data', (d: Buffer) => (answer += d.toString()));
  sock.write(body.slice(10));

  assert.deepEqual(await c.next(), { type: 'publish', data: 'last words', requestId: 'x' });
  assert.deepEqual(await c.closed, { code: 1001, reason: 'server shutting down' });
  await closing;
  assert.match(answer, /200 OK[\s\S]*publish success/);
  sock.destroy();
});

test('close is idempotent', async () => {
  const rc = await start({ auth: createAnonymousAuth() });
  await Promise.all([rc.close(), rc.close()]);
});
