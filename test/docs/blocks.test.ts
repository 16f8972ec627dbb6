/**
 * test/docs/blocks.ts: finding the fenced blocks of a Markdown file and what their markers ask, so that a block
 * the example runner does not see, or one without a marker, cannot slip through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blocksOf, planOf } from './blocks.js';
import { withResultChecks } from './run.js';

const md = [
  '# Title', //                                          1
  '<!-- example: app -->', //                            2
  '', //                                                 3
  '```ts', //                                            4
  "const a = '```';", //                                 5
  '```', //                                              6
  'Some prose.', //                                      7
  '```sh', //                                            8
  'echo unmarked', //                                    9
  '```', //                                             10
  '- a list item:', //                                  11
  '  <!-- example: not run: an output sample, checked by x.test.ts -->', // 12
  '  ````json', //                                      13
  '  {"a": 1}', //                                      14
  '  ```', //                                           15
  '  ````', //                                          16
  '<!-- example: app -->', //                           17
  'prose between the marker and the block', //          18
  '~~~ts title="x"', //                                 19
  'let b = 1;', //                                      20
].join('\n');

test('every fence is found, with its line, info, dedented code and the marker right before it', () => {
  const blocks = blocksOf('docs/x.md', md);
  assert.deepEqual(
    blocks.map((b) => [b.line, b.lang, b.code, b.marker]),
    [
      [4, 'ts', "const a = '```';\n", 'app'],
      [8, 'sh', 'echo unmarked\n', undefined],
      [13, 'json', '{"a": 1}\n```\n', 'not run: an output sample, checked by x.test.ts'],
      [19, 'ts', 'let b = 1;\n', undefined],
    ],
  );
  assert.equal(blocks[3]?.info, 'ts title="x"');
});

test('plans: a run, a reason, a test file, a transcript; anything else is refused with the ways to mark it', () => {
  const [run, unmarked, notRun, prose] = blocksOf('docs/x.md', md);
  assert.deepEqual(planOf(run!, ['app']), { kind: 'run', context: 'app' });
  assert.deepEqual(planOf(notRun!, ['app']), { kind: 'not-run', why: 'an output sample, checked by x.test.ts' });
  for (const block of [unmarked!, prose!]) {
    const plan = planOf(block, ['app']);
    assert.equal(plan.kind, 'unmarked');
    assert.match((plan as { problem: string }).problem, /^docs\/x\.md:\d+: a block needs a marker .*one of app/);
  }
  assert.deepEqual(planOf({ ...run!, marker: 'apps' }, ['app']).kind, 'unmarked');
  assert.deepEqual(planOf({ ...run!, marker: 'tested by test/q.test.ts' }, ['app']), { kind: 'tested-by', path: 'test/q.test.ts' });
  const transcript = { ...run!, file: 'docs/protocols/templar.md', info: 'jsonl title="errors.jsonl"', marker: undefined };
  assert.deepEqual(planOf(transcript, []), { kind: 'transcript', path: 'test/transcripts/templar/errors.jsonl' });
  assert.equal(planOf({ ...transcript, file: 'README.md' }, []).kind, 'unmarked', 'only protocol docs quote transcripts');
});

test('a `// → value` comment on a const becomes a check of that const; one with … stays prose', () => {
  assert.equal(
    withResultChecks("const reply = await f();   // → { hello: 1 }; more words\nconst other = g(); // → {…}"),
    "const reply = await f();   // → { hello: 1 }; more words\n__assert.deepEqual(reply, ({ hello: 1 }), \"reply should be { hello: 1 }\");\nconst other = g(); // → {…}",
  );
});
