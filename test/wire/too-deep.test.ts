/**
 * The too-deep errors of every decoder against the one limit, MAX_JSON_DEPTH: each protocol text names that number
 * (the texts are written out, as the transcripts and protocol docs quote them, so they are checked here), each
 * decoder answers with it exactly when a frame nests past the limit, and a syntax error is never taken for it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBinding } from '../../src/dialects/binding/codec.js';
import { decodeRohrpost, RohrpostError } from '../../src/dialects/rohrpost/codec.js';
import { decodeTemplar, TemplarError } from '../../src/dialects/templar/codec.js';
import { decodeTrigger, TriggerError } from '../../src/triggers/decode.js';
import { MAX_JSON_DEPTH, parseJson, tooDeep } from '../../src/wire/json.js';
import { parseMembers } from '../../src/wire/members.js';

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** The too-deep answer of each decoder, as the text it sends, or `undefined` when a frame got another answer. */
const answers: Record<string, { readonly text: string; readonly decode: (frame: string) => string | undefined }> = {
  binding: {
    text: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
    decode: (frame) => {
      const c = decodeBinding(frame);
      const error = c.kind === 'error' ? (JSON.parse(c.reply) as { error?: string }).error : undefined;
      return error?.startsWith(`JSON nested deeper than ${MAX_JSON_DEPTH} levels (at character `) === true ? answers.binding?.text : undefined;
    },
  },
  rohrpost: {
    text: RohrpostError.TooDeep,
    decode: (frame) => {
      const c = decodeRohrpost(frame);
      return c.kind === 'error' && (JSON.parse(c.reply) as { error?: string }).error === RohrpostError.TooDeep ? RohrpostError.TooDeep : undefined;
    },
  },
  templar: {
    text: TemplarError.TooDeep,
    decode: (frame) => {
      const c = decodeTemplar(frame);
      return c.kind === 'error' && c.error === TemplarError.TooDeep ? c.error : undefined;
    },
  },
  trigger: {
    text: TriggerError.TooDeep,
    decode: (body) => {
      const t = decodeTrigger(body);
      return 'error' in t && t.error === TriggerError.TooDeep ? t.error : undefined;
    },
  },
};

test('every too-deep protocol text names MAX_JSON_DEPTH and no other number', () => {
  for (const [name, { text }] of Object.entries(answers)) {
    assert.deepEqual(text.match(/\d+/g), [String(MAX_JSON_DEPTH)], `${name}: ${text}`);
  }
  assert.equal(tooDeep(), `nested deeper than ${MAX_JSON_DEPTH} levels`);
});

test('each decoder sends its too-deep text exactly past MAX_JSON_DEPTH, and never for a syntax error', () => {
  for (const [name, { text, decode }] of Object.entries(answers)) {
    assert.equal(decode(nested(MAX_JSON_DEPTH)), undefined, `${name}: ${MAX_JSON_DEPTH} levels are allowed`);
    assert.equal(decode(nested(MAX_JSON_DEPTH + 1)), text, `${name}: ${MAX_JSON_DEPTH + 1} levels`);
    assert.equal(decode(`{"a":${nested(MAX_JSON_DEPTH + 1)}}`), text, `${name}: inside an object`);
    assert.equal(decode(`${'['.repeat(MAX_JSON_DEPTH + 1)}x`), name === 'trigger' ? undefined : text, `${name}: too deep before the syntax error`);
    assert.equal(decode('{"a":[1,]}'), undefined, `${name}: a syntax error`);
  }
});

test('a failed parse says whether it was the depth or the syntax; the error text alone no longer decides', () => {
  assert.equal((parseJson(nested(MAX_JSON_DEPTH + 1)) as { reason?: string }).reason, 'depth');
  assert.equal((parseMembers(nested(MAX_JSON_DEPTH + 1)) as { reason?: string }).reason, 'depth');
  assert.equal((parseJson(JSON.stringify(tooDeep())) as { ok: boolean }).ok, true, 'a string holding the text is data');
  assert.equal((parseJson(`[${nested(2)}`, { maxDepth: 2 }) as { reason?: string }).reason, 'depth');
  for (const text of ['', '[', '{"a" 1}', '"\\x"', '1 2']) {
    assert.equal((parseJson(text) as { reason?: string }).reason, 'syntax', text);
    assert.equal((parseMembers(text) as { reason?: string }).reason, 'syntax', text);
  }
});
