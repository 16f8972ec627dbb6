import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeTemplar, naiveLocalIso, renderError, renderGreeting, TemplarError } from '../../../src/dialects/templar/codec.js';
import { toRoom } from '../../../src/rooms/room.js';
import { parseJson } from '../../../src/wire/json.js';
import { costRatio, growth, LINEAR, TEMPLAR } from '../../helpers/hostile.js';

const decode = (frame: unknown): ReturnType<typeof decodeTemplar> =>
  decodeTemplar(typeof frame === 'string' ? frame : JSON.stringify(frame));

test('ping is the raw text ping only', () => {
  assert.deepEqual(decode('ping'), { kind: 'ping' });
  assert.deepEqual(decode('"ping"'), { kind: 'error', error: TemplarError.TypeNotAllowed, generic: true });
});

test('non-JSON and typeless frames get the generic errors', () => {
  assert.deepEqual(decode('geen json'), { kind: 'error', error: TemplarError.NonJson, generic: true });
  // Valid JSON too deep for roomcast says so, not that it is not JSON.
  const deep = (n: number): string => `{"type":"unsubscribe","requestId":1,"x":${'['.repeat(n)}${']'.repeat(n)}}`;
  assert.deepEqual(decode(deep(64)), { kind: 'error', error: 'nested-deeper-than-64-levels', generic: true });
  assert.deepEqual(decode(deep(63)), { kind: 'unsubscribe', requestId: '1' });
  assert.deepEqual(decode({ type: 'foobar' }), { kind: 'error', error: TemplarError.TypeNotAllowed, generic: true });
  assert.deepEqual(decode({}), { kind: 'error', error: TemplarError.TypeNotAllowed, generic: true });
  // high-templar crashed on these; we answer.
  for (const frame of ['[]', '1', '"x"', 'null']) {
    assert.deepEqual(decode(frame), { kind: 'error', error: TemplarError.TypeNotAllowed, generic: true });
  }
});

test('subscribe checks room first, then requestId', () => {
  assert.deepEqual(decode({ type: 'subscribe', requestId: 'a' }), { kind: 'error', error: TemplarError.InvalidRoom, generic: false });
  assert.deepEqual(decode({ type: 'subscribe', room: 'x' }), { kind: 'error', error: TemplarError.InvalidRoom, generic: false });
  assert.deepEqual(decode({ type: 'subscribe', room: { a: 1 } }), { kind: 'error', error: TemplarError.NoRequestId, generic: false });
  assert.deepEqual(decode({ type: 'subscribe', room: { a: 1 }, requestId: null }), { kind: 'error', error: TemplarError.NoRequestId, generic: false });
  assert.deepEqual(decode({ type: 'subscribe', room: { a: 1 }, requestId: {} }), { kind: 'error', error: TemplarError.InvalidRequestId, generic: false });
  assert.deepEqual(decode({ type: 'subscribe', room: { a: 1 }, requestId: [1] }), { kind: 'error', error: TemplarError.InvalidRequestId, generic: false });
  const ok = decode({ type: 'subscribe', room: { b: 2, a: 1 }, requestId: 'r1' });
  assert.equal(ok.kind, 'subscribe');
  assert.equal(ok.kind === 'subscribe' && ok.room.key, '{"a":1,"b":2}');
  assert.equal(ok.kind === 'subscribe' && ok.requestId, '"r1"');
});

test('requestId keeps its JSON type for the echo', () => {
  const n = decode('{"type":"unsubscribe","requestId":12345678901234567890}');
  assert.deepEqual(n, { kind: 'unsubscribe', requestId: '12345678901234567890' });
  assert.deepEqual(decode({ type: 'unsubscribe', requestId: 7 }), { kind: 'unsubscribe', requestId: '7' });
  assert.deepEqual(decode({ type: 'unsubscribe' }), { kind: 'error', error: TemplarError.NoRequestId, generic: false });
});

test('decoder never throws and always yields a command (property)', () => {
  const frames = fc.oneof(
    fc.string(),
    fc.json(),
    fc.record({
      type: fc.constantFrom('subscribe', 'unsubscribe', 'status', 'x'),
      room: fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }))),
      requestId: fc.jsonValue({ maxDepth: 1 }),
    }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  );
  fc.assert(
    fc.property(frames, (frame) => {
      const cmd = decodeTemplar(frame);
      assert.ok(['ping', 'status', 'subscribe', 'unsubscribe', 'error'].includes(cmd.kind));
      if (cmd.kind === 'subscribe') assert.ok(parseJson(cmd.requestId).ok && parseJson(cmd.room.key).ok);
    }),
    { numRuns: 2000 },
  );
});

test('replies are byte-exact', () => {
  assert.equal(renderError(TemplarError.NotSubscribed), '{"code":"error","message":"not-subscribed"}');
  assert.equal(renderError(TemplarError.NonJson, 'c1'), '{"requestId":"c1","code":"error","message":"non-json-message"}');
  const r = toRoom({ location: 'Delft' } as never);
  assert.ok(r);
  assert.equal(renderGreeting([r]), '{"is_authorized":true,"allowed_rooms":[{"location":"Delft"}]}');
  assert.equal(renderGreeting([]), '{"is_authorized":true,"allowed_rooms":[]}');
});

test('online_since is naive local ISO with microseconds', () => {
  assert.match(naiveLocalIso(new Date()), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
});

test('hostile frames cost at most 3x a benign frame of the same size and time linear in it; value-dense ones stay within their bounds (issue 13)', () => {
  for (const kind of TEMPLAR.hostile) {
    const ratio = costRatio(kind, TEMPLAR.benign, decodeTemplar);
    assert.ok(ratio <= (kind.dense ?? 3), `${kind.name}: ${ratio.toFixed(1)}x the benign frame's time`);
    if (kind.dense !== undefined) continue;
    const grew = growth(kind, decodeTemplar);
    assert.ok(grew < LINEAR, `${kind.name}: 8x the size took ${grew.toFixed(1)}x the time`);
  }
});
