/**
 * The binding codec with plain data: event grammar, data rules, reply and error frames; a property test that the
 * decoder never throws and that events round-trip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderChange } from '../../../src/dialects/binding/change.js';
import { BindingErrorCode, decodeBinding, parseEvent, renderError, renderReply } from '../../../src/dialects/binding/codec.js';
import type { ChangeWire } from '../../../src/models/changes.js';
import { BINDING, SIZE } from '../../helpers/hostile.js';
import { counting } from '../../helpers/spy.js';

const request = (frame: string) => {
  const cmd = decodeBinding(frame);
  assert.equal(cmd.kind, 'request', frame);
  return cmd.kind === 'request' ? cmd : assert.fail();
};
const errorOf = (frame: string): unknown => {
  const cmd = decodeBinding(frame);
  assert.equal(cmd.kind, 'error', frame);
  return JSON.parse(cmd.kind === 'error' ? cmd.reply : '');
};

test('event grammar: dotted stream, last segment is the action, hash after the first #, trimmed', () => {
  assert.deepEqual(parseEvent('auth.User.retrieve'), { stream: 'auth.User', action: 'retrieve', hash: undefined });
  assert.deepEqual(parseEvent('auth.User.retrieve#5'), { stream: 'auth.User', action: 'retrieve', hash: '5' });
  assert.deepEqual(parseEvent(' auth.User.search # left#2 '), { stream: 'auth.User', action: 'search', hash: 'left#2' });
  assert.deepEqual(parseEvent('a.b.c.d#'), { stream: 'a.b.c', action: 'd', hash: undefined });
  assert.deepEqual(parseEvent('ping'), { stream: '', action: 'ping', hash: undefined });
  assert.deepEqual(parseEvent('x.y#a.b'), { stream: 'x', action: 'y', hash: 'a.b' });
});

test('data must be an object or an array, else it is {} (as channels-binding does); numbers become plain numbers', () => {
  for (const data of ['"x"', '5', 'null', 'true']) {
    const cmd = request(`{"event": "a.B.list", "data": ${data}}`);
    assert.deepEqual({ ...cmd.data }, {});
    assert.equal(Array.isArray(cmd.data), false);
  }
  assert.deepEqual({ ...request('{"event": "a.B.list"}').data }, {});
  assert.deepEqual(request('{"event": "a.B.list", "data": [1, 2.5]}').data, [1, 2.5]);
  const data = request('{"event": "a.B.create", "data": {"price": 1.5, "n": 10.0, "big": 12345678901234567890, "__proto__": {"x": 1}}}').data as Record<string, unknown>;
  assert.equal(data.price, 1.5);
  assert.equal(data.n, 10);
  assert.equal(typeof data.big, 'number');
  assert.equal(Object.getPrototypeOf(data), null);
  assert.deepEqual(Object.keys(data), ['price', 'n', 'big', '__proto__']);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('frames that are not a request get {"error", "code"} without an event', () => {
  assert.deepEqual(errorOf('geen json'), { error: 'Invalid JSON: unexpected character at character 0', code: 'bad-frame' });
  assert.deepEqual(errorOf(`{"event":"a.b","data":${'['.repeat(64)}${']'.repeat(64)}}`), { error: 'JSON nested deeper than 64 levels (at character 85)', code: 'bad-frame' });
  assert.equal(decodeBinding(`{"event":"a.b","data":${'['.repeat(63)}${']'.repeat(63)}}`).kind, 'request');
  assert.deepEqual(errorOf(''), { error: 'Invalid JSON: unexpected end of input at character 0', code: 'bad-frame' });
  assert.deepEqual(errorOf('[1]'), { error: 'A message must be a JSON object: {"event": "<stream>.<action>", "data": {…}}', code: 'bad-frame' });
  assert.deepEqual(errorOf('{"data": {}}'), { error: "Missing required field 'event'", code: 'bad-frame' });
  assert.deepEqual(errorOf('{"event": 5}'), { error: "Field 'event' must be a string", code: 'bad-frame' });
});

test('replies echo the raw event; errors carry code and details only when there are any', () => {
  assert.equal(renderReply(' a.B.retrieve # 5', { id: 5 }), '{"event":" a.B.retrieve # 5","data":{"id":5}}');
  assert.equal(renderReply('a.B.x', undefined), '{"event":"a.B.x","data":null}');
  assert.equal(renderReply('a.B.x', 10n), undefined);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(renderReply('a.B.x', cyclic), undefined);
  assert.equal(renderError('a.B.x', 'No binding found for a.B.x', BindingErrorCode.NoBinding), '{"event":"a.B.x","error":"No binding found for a.B.x","code":"no-binding"}');
  assert.equal(renderError('a.B.create', 'create: invalid data', 'invalid', ['title: must be a string']), '{"event":"a.B.create","error":"create: invalid data","code":"invalid","details":["title: must be a string"]}');
});

test('changes: the retrieve payload after a save, a deleted event after a delete, hashed with the key', () => {
  const base = { model: 'shop.Todo', key: 3, group: 'todo-3', templarIds: false, row: {} };
  const saved: ChangeWire = { ...base, action: 'update', object: { id: 3, title: 'x' }, updatedFields: ['title'] };
  assert.equal(renderChange(saved, 'id'), '{"event":"shop.Todo.retrieve#3","data":{"id":3,"title":"x"}}');
  const deleted: ChangeWire = { ...base, action: 'delete', object: { id: 3, title: 'x' } };
  assert.equal(renderChange(deleted, 'id'), '{"event":"shop.Todo.deleted#3","data":{"id":3,"deleted":true}}');
  assert.equal(renderChange({ ...deleted, key: 'ab' }, 'code'), '{"event":"shop.Todo.deleted#ab","data":{"code":"ab","deleted":true}}');
});

test('property: the decoder never throws, and answers every frame', () => {
  const frames = fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.record({ event: fc.jsonValue(), data: fc.jsonValue() }).map((v) => JSON.stringify(v)));
  fc.assert(
    fc.property(frames, (frame) => {
      const cmd = decodeBinding(frame);
      if (cmd.kind === 'error') {
        const reply = JSON.parse(cmd.reply) as Record<string, unknown>;
        assert.equal(typeof reply.error, 'string');
        assert.equal(reply.code, 'bad-frame');
      } else {
        assert.ok(typeof cmd.data === 'object' && cmd.data !== null);
      }
    }),
    { numRuns: 2000 },
  );
});

test('property: events round-trip (stream, action, hash) and replies echo them byte for byte', () => {
  const segment = fc.string({ minLength: 1 }).filter((s) => !/[.#]/.test(s) && s.trim() === s);
  const event = fc.record({
    stream: fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')),
    action: segment,
    hash: fc.option(fc.string().filter((s) => s.trim() !== ''), { nil: undefined }),
    data: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue())),
  });
  fc.assert(
    fc.property(event, ({ stream, action, hash, data }) => {
      const raw = `${stream}.${action}${hash === undefined ? '' : `#${hash}`}`;
      const cmd = request(JSON.stringify({ event: raw, data }));
      assert.equal(cmd.event, raw);
      assert.equal(cmd.stream, stream);
      assert.equal(cmd.action, action);
      assert.equal(cmd.hash, hash?.trim());
      assert.equal(JSON.stringify(cmd.data), JSON.stringify(data));
      assert.equal((JSON.parse(renderReply(cmd.event, cmd.data) ?? '') as { event: string }).event, raw);
    }),
    { numRuns: 1000 },
  );
});

test('every hostile frame gets its right answer: its event and the data JSON.parse reads (issue 13; their cost is the benchmark\'s)', () => {
  for (const kind of [BINDING.benign, ...BINDING.hostile]) {
    const frame = kind.frame(SIZE);
    const cmd = decodeBinding(frame);
    const msg = JSON.parse(frame) as { event: string; data: unknown };
    assert.ok(cmd.kind === 'request', kind.name);
    assert.deepEqual({ event: cmd.event, ...parseEvent(cmd.event) }, { event: msg.event, ...parseEvent(msg.event) }, kind.name);
    // Exact numbers become the doubles model code takes, as JSON.parse reads them (65,000 digits: Infinity); no
    // data is {}.
    assert.equal(JSON.stringify(cmd.data), JSON.stringify(msg.data ?? {}), kind.name);
  }
  const retrieve = decodeBinding((BINDING.hostile.find((k) => k.name === 'retrieve, a key of digits') as { frame: (n: number) => string }).frame(SIZE));
  assert.ok(retrieve.kind === 'request' && retrieve.action === 'retrieve' && /^9{64000,}$/.test(retrieve.hash ?? ''));
});

test('exact numbers in data become numbers in place: no object is built twice (a 7,000-key frame was copied whole)', () => {
  const frame = `{"event":"a.b.create","data":{"x":[${'{"n":1.5,"m":[2.5]},'.repeat(1000)}{}],"y":{"z":12345678901234567890}}}`;
  // The parser makes each of the frame's 1,004 objects once; converting exact numbers makes none.
  const { result, calls } = counting(Object, 'create', () => decodeBinding(frame));
  assert.ok(calls <= 1004, `${calls} objects made`);
  assert.ok(result.kind === 'request');
  assert.equal(JSON.stringify(result.data), JSON.stringify((JSON.parse(frame) as { data: unknown }).data));
});
