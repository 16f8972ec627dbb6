import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpretBootstrap } from '../../src/auth/bootstrap-response.js';

const json = (body: unknown, status = 200) => ({ status, contentType: 'application/json', body: typeof body === 'string' ? body : JSON.stringify(body) });
const keys = (r: ReturnType<typeof interpretBootstrap>): string[] => (r.kind === 'allowed' ? r.identity.rooms.allowed.map((x) => x.key) : []);

// The outcome table of high-templar dossier §1.3, with our fail-fast statuses where it crashed.
test('200 with a list of room objects: allowed, de-duplicated', () => {
  const r = interpretBootstrap(json({ user: { id: 7 }, allowed_rooms: [{ zoo: 'all' }, { costume: 1337 }, { zoo: 'all' }] }));
  assert.equal(r.kind, 'allowed');
  assert.deepEqual(keys(r), ['{"zoo":"all"}', '{"costume":1337}']);
  assert.deepEqual(r.kind === 'allowed' && { ...(r.identity.user as object) }, { id: 7 });
});
test('200 without allowed_rooms: allowed with none', () => {
  const r = interpretBootstrap(json({}));
  assert.equal(r.kind, 'allowed');
  assert.deepEqual(keys(r), []);
});
test('a string element, or allowed_rooms a string/object: denied', () => {
  assert.equal(interpretBootstrap(json({ allowed_rooms: ['foo'] })).kind, 'denied');
  assert.equal(interpretBootstrap(json({ allowed_rooms: 'foo' })).kind, 'denied');
  assert.equal(interpretBootstrap(json({ allowed_rooms: { a: 1 } })).kind, 'denied');
});
test('any non-200: denied', () => {
  for (const status of [301, 302, 400, 401, 403, 404, 500]) assert.equal(interpretBootstrap(json({}, status)).kind, 'denied');
});
test('answers high-templar crashed on fail with 502', () => {
  const bad = [
    json({ allowed_rooms: [1] }),
    json({ allowed_rooms: [null] }),
    json({ allowed_rooms: null }),
    json([]),
    json('null'),
    json('not json'),
    { status: 200, contentType: 'text/html', body: '<html>login</html>' },
  ];
  for (const answer of bad) {
    const r = interpretBootstrap(answer);
    assert.equal(r.kind, 'failed', answer.body);
    assert.equal(r.kind === 'failed' && r.status, 502);
  }
});
test('a list of [key, value] pairs is a room (Python dict(pairs))', () => {
  assert.deepEqual(keys(interpretBootstrap(json({ allowed_rooms: [[['a', 'b']]] }))), ['{"a":"b"}']);
});
test('content type with charset or +json suffix is JSON', () => {
  assert.equal(interpretBootstrap({ status: 200, contentType: 'application/json; charset=utf-8', body: '{}' }).kind, 'allowed');
  assert.equal(interpretBootstrap({ status: 200, contentType: 'application/vnd.api+json', body: '{}' }).kind, 'allowed');
});
