/**
 * roomcast with a model over SQLite (a file, as embedded users run it) or the local PostgreSQL (BENCH_STORE):
 * every committed create goes to the benchmark room as a templar change frame carrying the key. The key is the
 * write's start time in microseconds (lib/clock.ts), so the load generators read commit-to-client latency off each frame.
 * POST /writes {"count","concurrency"} writes as fast as commits allow with that many writers at once;
 * {"seconds","perSecond"} writes at a fixed rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createServer } from '../../src/server.js';
import { createModels, openStore } from '../../src/models/index.js';
import { BOOTSTRAP_URL, gc, ready } from './common.js';
import { now } from '../lib/clock.js';

const engine = process.env.BENCH_STORE ?? 'sqlite';
const dir = mkdtempSync(join(tmpdir(), 'roomcast-bench-'));
const store = await openStore(engine === 'postgres' ? (process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : `sqlite:${join(dir, 'bench.db')}`);
const models = createModels(store);
const table = `bench_item_${process.pid}`;
const items = models.define({
  name: 'bench.Item',
  table,
  key: 'id',
  fields: { id: 'integer', v: 'integer' },
  rooms: () => [{ bench: 'bench' }],
  templarIds: true,
});
await models.migrate();

let last = 0;
/** A key that is the current time in µs, unique and increasing. */
const stampKey = (): number => (last = Math.max(last + 1, Math.round(now() * 1000)));
const write = (i: number): Promise<unknown> => items.create({ id: stampKey(), v: i });

const server = createServer({
  port: 0,
  models,
  bootstrap: { apiUrl: BOOTSTRAP_URL.replace(/bootstrap\/$/, '') },
  trigger: { allowLoopback: true },
  routes: (app) => {
    app.post('/gc', async () => gc());
    app.post('/writes', async (req) => {
      const { count, seconds, perSecond, concurrency = 1 } = req.body as { count?: number; seconds?: number; perSecond?: number; concurrency?: number };
      const t0 = performance.now();
      let n = 0;
      if (count !== undefined) {
        // Several writers at once, as an app serving many requests has.
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (n < count) await write(n++);
          }),
        );
      } else if (seconds !== undefined && perSecond !== undefined) {
        const end = t0 + seconds * 1000;
        while (performance.now() < end) {
          const due = t0 + (n * 1000) / perSecond;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          await write(n++);
        }
      }
      return { writes: n, seconds: (performance.now() - t0) / 1000 };
    });
  },
});
const { port } = await server.listen();
ready(port);
process.on('SIGTERM', () => {
  void (async () => {
    await server.close();
    await store.db.schema.dropTable(table).ifExists().execute();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  })();
});
