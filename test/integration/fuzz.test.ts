/**
 * Random frames against a live server: whatever a client sends, the server answers or closes that one
 * connection with a documented code, never crashes, and a bystander connection keeps working.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import WebSocket from 'ws';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import { CloseCode } from '../../src/wire/close-codes.js';
import { connect } from '../helpers/client.js';
import { start } from '../helpers/server.js';

const DOCUMENTED = new Set<number>([1000, 1001, 1005, 1006, 1007, 1009, CloseCode.RateLimited, CloseCode.SlowConsumer]);

test('random frames never crash the server or disturb another connection', async () => {
  const rc = await start({ auth: createAnonymousAuth([{ room: '*' }]), maxFrameBytes: 4096, rateLimit: { perSecond: 10_000, burst: 10_000 } });
  const bystander = await connect(rc.wsUrl);
  await bystander.next();
  await bystander.ask({ type: 'subscribe', room: { room: 1 }, requestId: 'b' });
  try {
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      fc.record({
        type: fc.oneof(fc.constantFrom('subscribe', 'unsubscribe', 'status', 'publish'), fc.string()),
        room: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }))),
        requestId: fc.jsonValue({ maxDepth: 2 }),
      }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.constant('x'.repeat(5000)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 25 }), async (frames) => {
        const c = await connect(rc.wsUrl);
        await c.next();
        for (const f of frames) if (c.ws.readyState === WebSocket.OPEN) c.ws.send(f, { binary: Buffer.isBuffer(f) });
        if (c.ws.readyState === WebSocket.OPEN) c.ws.send('ping');
        // Either it is still answering, or it was closed with a documented code.
        const outcome = await Promise.race([
          (async () => {
            for (;;) if ((await c.nextText(2000)) === 'pong') return 'pong';
          })().catch(() => 'silent'),
          c.closed.then((e) => e.code),
        ]);
        if (typeof outcome === 'number') assert.ok(DOCUMENTED.has(outcome), `closed with ${outcome}`);
        else assert.equal(outcome, 'pong');
        await c.close();
      }),
      { numRuns: 60 },
    );
    bystander.send('ping');
    assert.equal(await bystander.nextText(), 'pong');
    rc.server.publish([{ room: 1 }], 'still here');
    assert.deepEqual(await bystander.next(), { type: 'publish', data: 'still here', requestId: 'b' });
  } finally {
    await bystander.close();
    await rc.close();
  }
});
