import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { prettyLine } from '../../src/cli/pretty.js';
import { chooseFormat } from '../../src/cli/logger.js';
import { listenProblem } from '../../src/cli/start-errors.js';
import { hideCredentials } from '../../src/log.js';

const at = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();
const plain = { color: false };

test('a record reads: time, level, message, then its fields; pino’s own fields are left out', () => {
  const line = JSON.stringify({ level: 30, time: at, pid: 1, hostname: 'h', msg: 'roomcast listening', url: 'http://127.0.0.1:8080', dialects: ['templar /ws/', 'rohrpost /ws/rohrpost/'], n: 3, why: 'two words' });
  assert.equal(
    prettyLine(`${line}\n`, plain),
    '03:04:05.006 INFO  roomcast listening url=http://127.0.0.1:8080 dialects=[templar /ws/, rohrpost /ws/rohrpost/] n=3 why="two words"\n',
  );
});

test('an object field is a block of aligned lines; an error shows its message, and its stack from error level', () => {
  const ready = JSON.stringify({ level: 30, time: at, msg: 'roomcast ready', summary: { url: 'http://h:1', dialects: 'templar ws://h:1/ws/' } });
  assert.equal(prettyLine(ready, plain), '03:04:05.006 INFO  roomcast ready\n    url       http://h:1\n    dialects  templar ws://h:1/ws/\n');
  const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (x.js:1:1)' };
  assert.equal(prettyLine(JSON.stringify({ level: 40, time: at, msg: 'odd', err }), plain), '03:04:05.006 WARN  odd err=boom\n');
  assert.equal(prettyLine(JSON.stringify({ level: 50, time: at, msg: 'failed', err }), plain), '03:04:05.006 ERROR failed err=boom\n    at f (x.js:1:1)\n');
});

test('colours only when asked; a line that is not a JSON object passes unchanged', () => {
  assert.match(prettyLine(JSON.stringify({ level: 60, time: at, msg: 'x' }), { color: true }), /\x1b\[35mFATAL\x1b\[0m x/);
  assert.equal(prettyLine('not json\n', plain), 'not json\n');
  assert.equal(prettyLine('[1,2]', plain), '[1,2]\n');
});

test('any JSON object becomes one head line ending in a newline, with its message; no throw', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.string(), (fields, msg) => {
      const out = prettyLine(JSON.stringify({ ...fields, level: 30, time: at, msg }), plain);
      assert.ok(out.endsWith('\n'));
      assert.ok(out.startsWith(`03:04:05.006 INFO ${msg === '' ? '' : ` ${msg}`}`), out);
    }),
  );
});

test('--log-format auto: pretty on a terminal, JSON otherwise', () => {
  assert.equal(chooseFormat('auto', true), 'pretty');
  assert.equal(chooseFormat('auto', false), 'json');
  assert.equal(chooseFormat('json', true), 'json');
  assert.equal(chooseFormat('pretty', false), 'pretty');
});

test('listen errors a user can fix are explained; others are left to the stack', () => {
  assert.match(listenProblem({ code: 'EACCES' }, '0.0.0.0', 80) ?? '', /port 80 on 0\.0\.0\.0 \(ports below 1024 need privileges\): pick another with --port N/);
  assert.match(listenProblem({ code: 'EADDRNOTAVAIL' }, '10.9.9.9', 8080) ?? '', /^10\.9\.9\.9 is not an address of this machine: pick another with --host ADDR/);
  assert.equal(listenProblem(new Error('other'), '127.0.0.1', 8080), undefined);
});

test('URLs in the summary lose their password, keep their user', () => {
  assert.equal(hideCredentials('amqp://guest:secret@rabbit:5672/'), 'amqp://guest:***@rabbit:5672/');
  assert.equal(hideCredentials('postgres://app:p%40ss@db:5432/x'), 'postgres://app:***@db:5432/x');
  assert.equal(hideCredentials('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
  assert.equal(hideCredentials('postgres://app@db/x'), 'postgres://app@db/x');
});

test('control characters from a client cannot drive the terminal: they are shown escaped', () => {
  const line = JSON.stringify({ level: 50, time: at, msg: 'rohrpost handler failed', type: 'x\x1b[2Jy', err: { message: 'bad\nline\x9b' } });
  const out = prettyLine(line, plain);
  assert.equal(out, '03:04:05.006 ERROR rohrpost handler failed type="x\\u001b[2Jy" err="bad\\nline\\u009b"\n');
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.string()), fc.string(), (fields, msg) => {
      const text = prettyLine(JSON.stringify({ level: 50, time: at, msg, ...fields, summary: fields }), plain);
      assert.doesNotMatch(text.replaceAll('\n', ''), /[\x00-\x1f\x7f\x9b]/);
    }),
  );
});
