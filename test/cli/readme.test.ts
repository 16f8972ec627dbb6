/**
 * The README's `console` blocks are run: each `$ [VAR=value …] roomcast args` line is executed and what it writes
 * (stdout and stderr) must be the lines quoted under it, so the documented messages cannot drift from the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { exited, run, stop } from '../helpers/cli.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...README.matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1] as string);

test('the README has console examples to check', () => {
  assert.ok(blocks.length > 0);
});

for (const block of blocks) {
  const [command = '', ...output] = block.trimEnd().split('\n');
  test(`README: ${command}`, async () => {
    const words = command.replace(/^\$ /, '').split(/\s+/);
    const env: Record<string, string> = {};
    while (/^[A-Z_]+=/.test(words[0] ?? '')) {
      const [name = '', ...value] = (words.shift() as string).split('=');
      env[name] = value.join('=');
    }
    assert.equal(words.shift(), 'roomcast', command);
    const p = run(words, env);
    try {
      await exited(p);
      assert.equal(`${p.out()}${p.err()}`.trimEnd(), output.join('\n'));
    } finally {
      await stop(p, 'SIGKILL');
    }
  });
}
