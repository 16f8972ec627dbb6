/**
 * What an idle connection costs in the JS heap, by object type: a heap snapshot before and after N clients
 * connect (each subscribed to three rooms), diffed and divided by N. The tool behind the memory work in issue 3.
 *
 *   node --expose-gc --import tsx bench/heap-probe.ts [N=2000] [bare]
 *
 * `bare` measures a bare `ws` server instead, for comparison. Loopback only; N is bounded by the fd limit.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { WebSocketServer } from 'ws';
import { createServer } from '../src/server.js';
import { compile } from './lib/build.js';
import { LoadGen } from './lib/proc.js';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

const N = Number(process.argv[2] ?? 2000);
const bare = process.argv[3] === 'bare';

/** Bytes and counts by "type:constructor" over the whole heap, after a full collection. */
function census(): Map<string, { count: number; bytes: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const file = writeHeapSnapshot(`/tmp/roomcast-probe-${process.pid}.heapsnapshot`);
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  rmSync(file);
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [w, ti, ni, si] = [fields.length, fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snap.nodes.length; i += w) {
    const type = types[snap.nodes[i + ti] as number] as string;
    const name = type.includes('string') ? '' : (snap.strings[snap.nodes[i + ni] as number] as string);
    const entry = out.get(`${type}:${name}`) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snap.nodes[i + si] as number;
    out.set(`${type}:${name}`, entry);
  }
  return out;
}

const listen = (s: Server): Promise<number> => new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
const backend = createHttpServer((_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"allowed_rooms":[{"bench":"*"}]}'));
const backendPort = await listen(backend);

let port: number;
let stop: () => Promise<void>;
if (bare) {
  const http = createHttpServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  const clients = new Set<unknown>();
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
  });
  port = await listen(http);
  stop = async () => void http.close();
} else {
  const server = createServer({ port: 0, bootstrap: { apiUrl: `http://127.0.0.1:${backendPort}/api/` } });
  port = (await server.listen()).port;
  stop = () => server.close();
}

const gen = new LoadGen((await compile(['bench/loadgen.ts'])).get('bench/loadgen.ts') as string);
const before = census();
await gen.ask({ op: 'connect', kind: bare ? 'bare-ws' : 'roomcast', port, count: N, concurrency: 50, rooms: 3 });
await new Promise((r) => setTimeout(r, 1000));
const after = census();
const rows = [...after]
  .map(([key, a]) => ({ key, count: a.count - (before.get(key)?.count ?? 0), bytes: a.bytes - (before.get(key)?.bytes ?? 0) }))
  .filter((r) => r.bytes > 0)
  .sort((a, b) => b.bytes - a.bytes);
const total = rows.reduce((n, r) => n + r.bytes, 0);
console.log(`${bare ? 'bare ws' : 'roomcast'}: ${(total / N).toFixed(0)} bytes of heap per connection (${N} connections)`);
for (const r of rows.slice(0, 30)) console.log(`${(r.bytes / N).toFixed(0).padStart(6)} B ${(r.count / N).toFixed(2).padStart(6)} ×  ${r.key}`);
gen.stop();
await stop();
backend.close();
