import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeRohrpost, renderErrorMessage, renderPong, renderPush, renderReply, RohrpostError } from '../../../src/dialects/rohrpost/codec.js';
import { isJsonObject, parseJson } from '../../../src/wire/json.js';
import { costRatio, growth, LINEAR, ROHRPOST } from '../../helpers/hostile.js';

const errorOf = (frame: string): unknown => {
  const cmd = decodeRohrpost(frame);
  assert.equal(cmd.kind, 'error');
  return JSON.parse(cmd.kind === 'error' ? cmd.reply : '');
};

test("rohrpost's checks, in its order, with its strings", () => {
  assert.deepEqual(errorOf(''), { error: 'Received empty message.' });
  assert.deepEqual(errorOf('geen json'), { error: 'Could not decode JSON message. Error: Expecting value: line 1 column 1 (char 0)' });
  assert.deepEqual(errorOf(`{"type":"ping","id":1,"data":${'['.repeat(64)}${']'.repeat(64)}}`), { error: 'Message nested deeper than 64 levels.' });
  assert.equal(decodeRohrpost(`{"type":"ping","id":1,"data":${'['.repeat(63)}${']'.repeat(63)}}`).kind, 'request');
  assert.deepEqual(errorOf('[1]'), { error: RohrpostError.NotObject });
  assert.deepEqual(errorOf('{"id": 1}'), { error: "Missing required field 'type'." });
  assert.deepEqual(errorOf('{"data": 1}'), { error: "Missing required field 'type'." });
  assert.deepEqual(errorOf('{"type": "x"}'), { error: "Missing required field 'id'." });
  assert.deepEqual(errorOf('{"type": {"a": 1}, "id": 3}'), { id: 3, error: "Field 'type' must be a string." });
});

test('types are formatted as Python str() does; any id passes the presence check', () => {
  const t = (frame: string): string => {
    const cmd = decodeRohrpost(frame);
    assert.equal(cmd.kind, 'request');
    return cmd.kind === 'request' ? cmd.type : '';
  };
  assert.equal(t('{"type": true, "id": null}'), 'True');
  assert.equal(t('{"type": null, "id": 1}'), 'None');
  assert.equal(t('{"type": 1.5, "id": 1}'), '1.5');
  assert.equal(t('{"type": "ping", "id": 0}'), 'ping');
});

test('replies leave out every key Python finds falsy, in the order id, type, error, data', () => {
  assert.equal(renderReply({ id: 5, type: 'x', error: 'e', data: { json: '{"a":1}' } }), '{"id":5,"type":"x","error":"e","data":{"a":1}}');
  for (const id of [0, '', null, false]) assert.equal(renderReply({ id, type: 'pong' }), '{"type":"pong"}');
  for (const json of ['{}', '[]', '0', '""', 'null', 'false']) assert.equal(renderReply({ id: 1, type: 't', data: { json } }), '{"id":1,"type":"t"}');
  assert.equal(renderReply({ error: '' }), '{}');
});

test('server messages and errors follow the reply rules (send_message / send_error)', () => {
  assert.equal(renderPush('done', { a: 1 }), '{"type":"done","data":{"a":1}}');
  assert.equal(renderPush('done', { a: 1 }, 7), '{"id":7,"type":"done","data":{"a":1}}');
  assert.equal(renderPush('done', {}, 0), '{"type":"done"}');
  assert.equal(renderPush('done', () => 1), '{"type":"done"}');
  // A request id kept by a handler is echoed exactly, as replies do.
  const request = parseJson('{"id": 12345678901234567890}');
  assert.ok(request.ok && isJsonObject(request.value));
  assert.equal(renderPush('done', undefined, request.value.id), '{"id":12345678901234567890,"type":"done"}');
  assert.equal(renderErrorMessage('NOPE'), '{"error":"NOPE"}');
  assert.equal(renderErrorMessage('NOPE', { type: 'rename', id: 'r1', data: { why: 'x' } }), '{"id":"r1","type":"rename","error":"NOPE","data":{"why":"x"}}');
  assert.equal(renderErrorMessage('', { data: [] }), '{}');
});

test('pong echoes object data and wraps anything else', () => {
  const pong = (frame: string): unknown => {
    const r = parseJson(frame);
    assert.ok(r.ok && isJsonObject(r.value));
    return JSON.parse(renderPong(r.value, r.value.id ?? null));
  };
  assert.deepEqual(pong('{"type":"ping","id":1}'), { id: 1, type: 'pong' });
  assert.deepEqual(pong('{"type":"ping","id":1,"data":{"a":1}}'), { id: 1, type: 'pong', data: { a: 1 } });
  assert.deepEqual(pong('{"type":"ping","id":1,"data":{}}'), { id: 1, type: 'pong' });
  assert.deepEqual(pong('{"type":"ping","id":1,"data":1}'), { id: 1, type: 'pong', data: { data: 1 } });
  assert.deepEqual(pong('{"type":"ping","id":1,"data":null}'), { id: 1, type: 'pong', data: { data: null } });
  assert.deepEqual(pong('{"type":"ping","id":0}'), { type: 'pong' });
  const big = parseJson('{"type":"ping","id":12345678901234567890}');
  assert.ok(big.ok && isJsonObject(big.value));
  assert.equal(renderPong(big.value, big.value.id ?? null), '{"id":12345678901234567890,"type":"pong"}', 'a big id is echoed exactly');
});

test('the decoder never throws and every error reply is a JSON object (property)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.record({ type: fc.jsonValue({ maxDepth: 1 }), id: fc.jsonValue({ maxDepth: 1 }), data: fc.jsonValue() }, { requiredKeys: [] }).map((o) => JSON.stringify(o))), (frame) => {
      const cmd = decodeRohrpost(frame);
      if (cmd.kind === 'error') assert.equal(typeof JSON.parse(cmd.reply), 'object');
      else assert.equal(typeof cmd.type, 'string');
    }),
    { numRuns: 2000 },
  );
});

test('JSON errors read as Python json reports them', () => {
  assert.deepEqual(errorOf('{"type": "x" "id": 1}'), { error: "Could not decode JSON message. Error: Expecting ',' delimiter: line 1 column 14 (char 13)" });
  assert.deepEqual(errorOf('{"a":1} x'), { error: 'Could not decode JSON message. Error: Extra data: line 1 column 9 (char 8)' });
  // Python's positions: lines counted from 1, the column from the last newline before the error.
  assert.deepEqual(errorOf('{\n"a":\n\n x}'), { error: 'Could not decode JSON message. Error: Expecting value: line 4 column 2 (char 9)' });
  assert.deepEqual(errorOf('\n'), { error: 'Could not decode JSON message. Error: Expecting value: line 2 column 1 (char 1)' });
});

test('hostile frames cost at most 3x a benign frame of the same size and time linear in it; value-dense ones stay within their bounds (issue 13)', () => {
  // A ping's reply is part of its cost: the id and the data are echoed.
  const handle = (frame: string): unknown => {
    const cmd = decodeRohrpost(frame);
    return cmd.kind === 'request' ? renderPong(cmd.request, cmd.id) : cmd.reply;
  };
  for (const kind of ROHRPOST.hostile) {
    const ratio = costRatio(kind, ROHRPOST.benign, handle);
    assert.ok(ratio <= (kind.dense ?? 3), `${kind.name}: ${ratio.toFixed(1)}x the benign frame's time`);
    if (kind.dense !== undefined) continue;
    const grew = growth(kind, handle);
    assert.ok(grew < LINEAR, `${kind.name}: 8x the size took ${grew.toFixed(1)}x the time`);
  }
});
