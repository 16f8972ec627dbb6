import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeRohrpost, renderErrorMessage, renderPong, renderPush, renderReply, RohrpostError } from '../../../src/dialects/rohrpost/codec.js';
import { isJsonObject, JsonNumber, parseJson, type JsonObject } from '../../../src/wire/json.js';
import { ROHRPOST, SIZE, sortedText } from '../../helpers/hostile.js';
import { counting } from '../../helpers/spy.js';

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

test('every hostile frame gets its right answer: a ping its pong, echoing exact numbers (issue 13; their cost is the benchmark\'s)', () => {
  const digits = (frame: string): string => (frame.match(/[0-9]{100,}/) as RegExpMatchArray)[0];
  const parsed = (frame: string): { id: unknown; type: unknown; data?: unknown } => JSON.parse(frame) as never;
  // A ping's answer is its pong; data that is not an object is wrapped as {"data": …} (rohrpost's own rule).
  const pong = (data: string): string => `{"id":1,"type":"pong","data":${data}}`;
  const request = (frame: string, check: (request: JsonObject) => void): string => {
    const cmd = decodeRohrpost(frame);
    assert.equal(cmd.kind, 'request');
    if (cmd.kind === 'request') check(cmd.request);
    return cmd.kind === 'request' ? cmd.type : '';
  };
  const expected: Record<string, (frame: string) => void> = {
    'ping, id of digits': (f) => assert.equal(answer(f), `{"id":${digits(f)},"type":"pong"}`),
    'ping, data of digits': (f) => assert.equal(answer(f), pong(`{"n":${digits(f)}}`)),
    'ping, data of many keys': (f) => assert.equal(answer(f), pong(sortedText(parsed(f).data))),
    'ping, data 62 arrays deep': (f) => assert.equal(answer(f), pong(`{"data":${sortedText(parsed(f).data)}}`)),
    'ping, data of empty arrays': (f) => assert.equal(answer(f), pong(`{"data":${sortedText(parsed(f).data)}}`)),
    'ping, data of numbers': (f) => assert.equal(answer(f), pong(`{"data":${sortedText(parsed(f).data)}}`)),
    'ping, data keys with a long common prefix': (f) => assert.equal(answer(f), pong(sortedText(parsed(f).data))),
    'ping, id of \\u escapes': (f) => assert.equal(answer(f), `{"id":${JSON.stringify(parsed(f).id)},"type":"pong"}`),
    'unknown type of \\u escapes': (f) => assert.equal(request(f, () => {}), parsed(f).type),
    'subscribe, an object id of digits': (f) =>
      request(f, (r) => {
        const id = (r.data as JsonObject).id;
        assert.ok(id instanceof JsonNumber && id.lexeme === digits(f));
      }),
    'subscribe, an object type of a long string': (f) => request(f, (r) => assert.equal((r.data as JsonObject).type, (parsed(f).data as { type: string }).type)),
    'bad JSON after many newlines': (f) => {
      // Python's position of the error, found without a string per line.
      const { result, calls } = counting(String.prototype, 'split', () => errorOf(f));
      assert.equal(calls, 0, 'String.prototype.split calls');
      const lines = f.split('\n').length;
      assert.deepEqual(result, { error: `Could not decode JSON message. Error: Expecting value: line ${lines} column 1 (char ${f.length - 1})` });
    },
  };
  assert.deepEqual(Object.keys(expected).sort(), ROHRPOST.hostile.map((k) => k.name).sort());
  const benign = ROHRPOST.benign.frame(SIZE);
  assert.equal(answer(benign), pong(sortedText(parsed(benign).data)));
  for (const kind of ROHRPOST.hostile) (expected[kind.name] as (f: string) => void)(kind.frame(SIZE));
});

/** A ping frame's pong. */
function answer(frame: string): string {
  const cmd = decodeRohrpost(frame);
  assert.ok(cmd.kind === 'request' && cmd.type === 'ping');
  return renderPong(cmd.request, cmd.id);
}

test('a ping whose data has a "json" member echoes it as data, never as raw text of the reply', () => {
  // The reply's pre-serialized form is {json: text}; a client's data of that shape was written into the pong as is.
  const pongOf = (data: string): string => answer(`{"type":"ping","id":1,"data":${data}}`);
  assert.equal(pongOf('{"json":"1,\\"x\\":2"}'), '{"id":1,"type":"pong","data":{"json":"1,\\"x\\":2"}}');
  assert.equal(pongOf('{"json":"{}"}'), '{"id":1,"type":"pong","data":{"json":"{}"}}');
  // Empty data stays out of the reply, as rohrpost leaves out every falsy key.
  assert.equal(pongOf('{}'), '{"id":1,"type":"pong"}');
  assert.equal(pongOf('[]'), '{"id":1,"type":"pong","data":{"data":[]}}');
  assert.equal(pongOf('{"x":1e999}'), '{"id":1,"type":"pong","data":null}');
});
