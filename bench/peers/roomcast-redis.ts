/**
 * roomcast on the Redis layer: node A holds every connection, node B receives the triggers, so every message
 * crosses Redis (publish on B → Redis → A → fan-out). Both nodes run in this process, on the server's CPU.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from '../../src/server.js';
import { createRedisLayer } from '../../src/layers/redis.js';
import { BOOTSTRAP_URL, gc, ready } from './common.js';

const prefix = `bench-${randomUUID()}:`;
const url = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const node = () =>
  createServer({
    port: 0,
    bootstrap: { apiUrl: BOOTSTRAP_URL.replace(/bootstrap\/$/, '') },
    trigger: { allowLoopback: true },
    layer: createRedisLayer({ url, prefix }),
    routes: (app) => {
      app.post('/gc', async () => gc());
    },
  });
const a = node();
const b = node();
const [{ port }, { port: publishPort }] = await Promise.all([a.listen(), b.listen()]);
ready(port, publishPort);
process.on('SIGTERM', () => void Promise.all([a.close(), b.close()]).then(() => process.exit(0)));
