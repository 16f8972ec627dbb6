/**
 * Replays every protocol transcript (test/transcripts/<dialect>/*.jsonl) against a live server, and checks that
 * the protocol doc quotes each one verbatim, so the doc cannot drift from the code.
 *
 * Steps: `backend` sets the bootstrap answer; `connect` opens the socket (query string); `send` sends a frame
 * (a string raw, anything else as JSON); `recv` expects a frame (a string raw, else JSON-equal; the text
 * `<connection id>` matches any string); `trigger` POSTs a trigger; `silence` expects no frame for N ms;
 * `closed` expects the close code; `app` runs a model operation as app code (`["create", data]`,
 * `["update", key, changes]`, `["delete", key]` on the binding transcripts' `shop.Todo`); `note` is prose.
 * Binding transcripts start with an empty `shop.Todo` whose ids restart at 1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { startBackend, type StubBackend } from '../helpers/backend.js';
import { connect, type TestClient } from '../helpers/client.js';
import { transcriptModels } from '../helpers/binding.js';
import { start, trigger, type Running } from '../helpers/server.js';

const ROOT = new URL('../transcripts/', import.meta.url);
/** Where each dialect is served (the defaults). */
const PATHS: Readonly<Record<string, string>> = { templar: '/ws/', rohrpost: '/ws/rohrpost/', binding: '/ws/binding/' };
const shop = await transcriptModels();
let backend: StubBackend;
let rc: Running;

before(async () => {
  backend = await startBackend();
  rc = await start({ bootstrap: { apiUrl: backend.apiUrl }, trigger: { secret: 't' }, models: shop.models });
  shop.bind(rc.server);
});
after(async () => {
  await rc.close();
  await backend.close();
  await shop.models.store.close();
});

function matches(actual: unknown, expected: unknown): boolean {
  if (expected === '<connection id>') return typeof actual === 'string';
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(actual[i], e));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    return Object.keys(a).length === Object.keys(e).length && Object.keys(e).every((k) => matches(a[k], e[k]));
  }
  return actual === expected;
}

for (const dialect of readdirSync(ROOT)) {
  const doc = readFileSync(new URL(`../../docs/protocols/${dialect}.md`, import.meta.url), 'utf8');
  for (const file of readdirSync(new URL(`${dialect}/`, ROOT)).filter((f) => f.endsWith('.jsonl'))) {
    const text = readFileSync(new URL(`${dialect}/${file}`, ROOT), 'utf8');
    test(`${dialect}/${file} is quoted in docs/protocols/${dialect}.md`, () => {
      assert.ok(doc.includes(`\`\`\`jsonl title="${file}"\n${text}\`\`\``), `docs/protocols/${dialect}.md must quote ${file} verbatim`);
    });
    test(`${dialect}/${file} replays`, async () => {
      let c: TestClient | undefined;
      if (dialect === 'binding') await shop.reset();
      try {
        for (const [n, line] of text.trim().split('\n').entries()) {
          const step = JSON.parse(line) as Record<string, unknown>;
          const where = `${file}:${n + 1}`;
          if ('backend' in step) backend.answer(step.backend as never);
          else if ('connect' in step) c = await connect(`ws://127.0.0.1:${rc.port}${PATHS[dialect] ?? '/'}${step.connect as string}`);
          else if ('send' in step) c?.send(step.send);
          else if ('recv' in step) {
            const frame = await c!.nextText();
            if (typeof step.recv === 'string') assert.equal(frame, step.recv, where);
            else assert.ok(matches(JSON.parse(frame), step.recv), `${where}: got ${frame}`);
          } else if ('trigger' in step) {
            assert.equal((await trigger(rc.url, step.trigger, { authorization: 'Bearer t' })).status, 200, where);
          } else if ('app' in step) {
            const [op, ...args] = step.app as [string, ...unknown[]];
            if (op === 'create') await shop.todos.create(args[0]);
            else if (op === 'update') await shop.todos.update(args[0], args[1]);
            else if (op === 'delete') await shop.todos.delete(args[0]);
            else assert.fail(`${where}: unknown app operation ${op}`);
          } else if ('silence' in step) await c!.silence(step.silence as number);
          else if ('closed' in step) assert.equal((await c!.closed).code, step.closed, where);
          else assert.ok('note' in step, `${where}: unknown step`);
        }
      } finally {
        await c?.close();
      }
    });
  }
}
