import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type StubBackend } from '../helpers/backend.js';
import { connect } from '../helpers/client.js';
import { start, trigger, type Running } from '../helpers/server.js';

let backend: StubBackend;
let rc: Running;

before(async () => {
  backend = await startBackend({ body: { allowed_rooms: [{ location: '*' }] } });
  rc = await start({ bootstrap: { apiUrl: backend.apiUrl }, trigger: { secret: 's3cret' } });
});
after(async () => {
  await rc.close();
  await backend.close();
});

test('connect, subscribe, trigger over HTTP, receive publish', async () => {
  const c = await connect(`${rc.wsUrl}?token=abc`);
  assert.deepEqual(await c.next(), { is_authorized: true, allowed_rooms: [{ location: '*' }] });
  assert.deepEqual(await c.ask({ type: 'subscribe', room: { location: 'Delft' }, requestId: 'r1' }), { code: 'success' });
  const res = await trigger(rc.url, { rooms: [{ location: 'Delft' }], data: { id: 1.0, big: 12345678901234567890 } }, { authorization: 'Bearer s3cret' });
  assert.deepEqual(res, { status: 200, text: 'publish success' });
  assert.equal(await c.nextText(), '{"type":"publish","data":{"id":1,"big":12345678901234567000},"requestId":"r1"}');
  await c.close();
});
