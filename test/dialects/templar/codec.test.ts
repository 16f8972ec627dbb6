import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeTemplar, naiveLocalIso, renderError, renderGreeting, TemplarError, type TemplarCommand } from '../../../src/dialects/templar/codec.js';
import { toRoom } from '../../../src/rooms/room.js';
import { parseJson } from '../../../src/wire/json.js';
import { SIZE, TEMPLAR, sortedText } from '../../helpers/hostile.js';
import { counting } from '../../helpers/spy.js';

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

test('every hostile frame gets its right answer (issue 13; their cost is the benchmark\'s: npm run bench -- --only hostile)', () => {
  const digits = (frame: string): string => (frame.match(/[0-9]{100,}/) as RegExpMatchArray)[0];
  const room = (frame: string): unknown => (JSON.parse(frame) as { room: unknown }).room;
  // A subscribe is shown by its room's canonical text (its identity) and the requestId it echoes.
  type Answer = TemplarCommand | { kind: 'subscribe'; room: string; requestId: string };
  const subscribe = (key: string): Answer => ({ kind: 'subscribe', room: key, requestId: '"r"' });
  const answer = (cmd: TemplarCommand): Answer => (cmd.kind === 'subscribe' ? { ...cmd, room: cmd.room.key } : cmd);
  const expected: Record<string, (frame: string) => Answer> = {
    'unsubscribe, requestId of digits': (f) => ({ kind: 'unsubscribe', requestId: digits(f) }),
    'subscribe, room value of digits': (f) => subscribe(`{"location":${digits(f)}}`),
    'subscribe, room of many keys': (f) => subscribe(sortedText(room(f))),
    'subscribe, room value 62 arrays deep': (f) => subscribe(sortedText(room(f))),
    'subscribe, room value of empty arrays': (f) => subscribe(sortedText(room(f))),
    'subscribe, room value of empty objects': (f) => subscribe(sortedText(room(f))),
    'subscribe, room keys with a long common prefix': (f) => subscribe(sortedText(room(f))),
    'unsubscribe, requestId of \\u escapes': (f) => ({ kind: 'unsubscribe', requestId: JSON.stringify((JSON.parse(f) as { requestId: string }).requestId) }),
    'unsubscribe, requestId of \\n escapes': (f) => ({ kind: 'unsubscribe', requestId: JSON.stringify((JSON.parse(f) as { requestId: string }).requestId) }),
    'unsubscribe, requestId float of digits': () => ({ kind: 'unsubscribe', requestId: '1.0' }),
    'unsubscribe, requestId exponent of digits': () => ({ kind: 'unsubscribe', requestId: '0.0' }),
    'unsubscribe, an extra member of numbers': () => ({ kind: 'unsubscribe', requestId: '"r"' }),
    'unsubscribe, an extra member of many keys': () => ({ kind: 'unsubscribe', requestId: '"r"' }),
    'arrays nested to the end of the frame': () => ({ kind: 'error', error: TemplarError.TooDeep, generic: true }),
  };
  assert.deepEqual(Object.keys(expected).sort(), TEMPLAR.hostile.map((k) => k.name).sort());
  for (const kind of [TEMPLAR.benign, ...TEMPLAR.hostile]) {
    const frame = kind.frame(SIZE);
    const want = kind === TEMPLAR.benign ? subscribe(sortedText(room(frame))) : (expected[kind.name] as (f: string) => Answer)(frame);
    assert.deepEqual(answer(decodeTemplar(frame)), want, kind.name);
  }
});

test('a room with more fields than any allowed room is refused as room-not-found without building its identity', () => {
  const frame = (TEMPLAR.hostile.find((k) => k.name === 'subscribe, room of many keys') as { frame: (n: number) => string }).frame(SIZE);
  const refused = counting(Array.prototype, 'sort', () => decodeTemplar(frame, { maxRoomFields: 2 }));
  assert.deepEqual(refused.result, { kind: 'error', error: TemplarError.RoomNotFound, generic: false });
  assert.equal(refused.calls, 0, 'its 7,000 keys are not sorted');
  // Without the limit, it is a room (the matcher refuses it later), its keys sorted for its identity.
  const built = counting(Array.prototype, 'sort', () => decodeTemplar(frame));
  assert.equal(built.result.kind, 'subscribe');
  assert.equal(built.calls, 1);
});

test('maxRoomFields changes no answer but a room the matcher would refuse, in high-templar order (property)', () => {
  const rooms = fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constantFrom('1e999', '1.0', '12345678901234567890')), { maxKeys: 5 });
  const requestIds = fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant('"r"'), fc.constant('{}'), fc.constant('7'));
  fc.assert(
    fc.property(rooms, requestIds, fc.nat(6), (room, requestId, max) => {
      // Values given as strings of digits are written as numbers, so that floats that overflow reach the decoder.
      const members = Object.entries(room).map(([k, v]) => `${JSON.stringify(k)}:${typeof v === 'string' && /^[0-9.e]+$/.test(v) ? v : JSON.stringify(v)}`);
      const frame = `{"type":"subscribe","room":{${members.join(',')}}${requestId === undefined ? '' : `,"requestId":${requestId}`}}`;
      const plain = decodeTemplar(frame);
      const limited = decodeTemplar(frame, { maxRoomFields: max });
      if (plain.kind === 'subscribe' && plain.room.fields.size > max) {
        assert.deepEqual(limited, { kind: 'error', error: TemplarError.RoomNotFound, generic: false });
      } else {
        assert.deepEqual(limited, plain);
      }
    }),
    { numRuns: 2000 },
  );
});
