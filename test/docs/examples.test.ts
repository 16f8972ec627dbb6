/**
 * Every fenced code block of README.md and docs/**\/*.md is run by a test, or says why it cannot be: a new
 * example cannot be added without being run.
 *
 * How a block is marked: an HTML comment on the line before it (blank lines between are fine), which Markdown
 * does not show.
 *
 * - `<!-- example: <context> -->`: this test runs the block in that context (test/docs/contexts.ts says what
 *   each gives): `app` (a TypeScript program of its own), `rohrpost-client`, `templar-client` (client code
 *   against a live server), `rohrpost-server`, `binding-server` (code that uses a live `server`), `serve` (shell
 *   `roomcast serve` commands that must start), `rest` (shell requests run as one script, each `# ` line after a
 *   command a line its output must show; `…` stands for anything). TypeScript imports of `roomcast…` are the
 *   source; documented addresses are replaced by those of the live services; `const x = …; // → value` is
 *   checked (`x` must deep-equal `value`, unless the value holds `…`). TypeScript blocks are also type-checked
 *   with the repository's strict tsconfig, the context's names declared.
 * - `<!-- example: tested by <test file> -->`: that test runs it; the file must exist and name the document.
 * - `<!-- example: not run: <why> -->`: an output sample, a request body, a browser page: say why, and where
 *   what it shows is tested (a test file, which must exist, or an example above or below).
 * - A ` ```jsonl title="<file>" ` block in docs/protocols/<dialect>.md needs no marker: it must be
 *   test/transcripts/<dialect>/<file> verbatim, which test/conformance/transcripts.test.ts replays.
 *
 * A block without one of these fails this test. An example no context fits gets a context of its own in
 * test/docs/contexts.ts (a live service, the names it leaves to the reader, checks of what it did).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { allBlocks, planOf, type Block } from './blocks.js';
import { CONTEXTS } from './contexts.js';
import { typeErrors, type Checked } from './typecheck.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');
const where = (b: Block): string => `${b.file}:${b.line}`;

const typed: Checked[] = [];
for (const block of allBlocks(ROOT.pathname)) {
  const name = `${where(block)} (${block.info || 'no language'})`;
  const plan = planOf(block, Object.keys(CONTEXTS));
  if (plan.kind === 'transcript') {
    test(`${name} is the transcript ${plan.path}, replayed by test/conformance/transcripts.test.ts`, () => {
      assert.ok(existsSync(new URL(plan.path, ROOT)), `${where(block)}: no ${plan.path}`);
      assert.equal(block.code, read(plan.path), `${where(block)} must quote ${plan.path} verbatim`);
    });
  } else if (plan.kind === 'not-run') {
    test(`${name} is not run: ${plan.why}`, () => {
      assert.ok(plan.why.length >= 20, `${where(block)}: say why the block cannot run, and where what it shows is tested`);
      // Where: a test file that exists, or an example next to it (above, below) that is run.
      const files = [...plan.why.matchAll(/\btest\/[\w./-]+\.test\.ts\b/g)].map(([file]) => file);
      assert.ok(files.length > 0 || /\b(above|below)\b/.test(plan.why), `${where(block)}: say where what the block shows is tested (a test file, or an example above or below)`);
      for (const file of files) assert.ok(existsSync(new URL(file, ROOT)), `${where(block)}: no ${file}`);
    });
  } else if (plan.kind === 'tested-by') {
    test(`${name} is run by ${plan.path}`, () => {
      assert.ok(existsSync(new URL(plan.path, ROOT)), `${where(block)}: ${plan.path} does not exist`);
      assert.ok(read(plan.path).includes(block.file), `${plan.path} must name ${block.file}, whose example it runs`);
    });
  } else if (plan.kind === 'unmarked') {
    test(`${name} runs`, () => assert.fail(plan.problem));
  } else {
    const marker = plan.context;
    const context = CONTEXTS[marker]!;
    if (block.lang === 'ts') typed.push({ file: block.file, line: block.line, code: block.code, declare: context.declare ?? '' });
    const skip = (await context.skip?.(block.code)) ?? false;
    test(`${name} runs in context ${marker}`, { skip }, async () => {
      assert.ok(context.langs.includes(block.lang), `${where(block)}: the ${marker} context runs ${context.langs.join('/')} blocks, not ${block.lang || 'unlabelled ones'}`);
      const setup = await context.setup(block.code);
      try {
        await context.run(block.code, where(block), setup);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n(context ${marker}: ${context.about})`, { cause: err });
      } finally {
        await setup.close();
      }
    });
  }
}

test('every TypeScript example type-checks (strict, as in a TypeScript app)', async () => {
  assert.equal(await typeErrors(typed), '');
});
