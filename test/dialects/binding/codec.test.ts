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
import { BINDING, costRatio, growth, LINEAR } from '../../helpers/hostile.js';

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

test('hostile frames cost at most 3x a benign frame of the same size and time linear in it; value-dense ones stay within their bounds (issue 13)', () => {
  for (const kind of BINDING.hostile) {
    const ratio = costRatio(kind, BINDING.benign, decodeBinding);
    assert.ok(ratio <= (kind.dense ?? 3), `${kind.name}: ${ratio.toFixed(1)}x the benign frame's time`);
    if (kind.dense !== undefined) continue;
    const grew = growth(kind, decodeBinding);
    assert.ok(grew < LINEAR, `${kind.name}: 8x the size took ${grew.toFixed(1)}x the time`);
  }
});
