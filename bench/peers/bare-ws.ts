/**
 * The baseline: a bare `ws` server that serializes each publish once and sends it to every socket — the least
 * work any ws-based server can do. Publishing through HTTP, as roomcast's trigger does.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BOOTSTRAP_URL, body, bootstrap, gc, ready } from './common.js';

const clients = new Set<WebSocket>();
const http = createServer(async (req, res) => {
  if (req.url === '/gc') {
    return void res.end(gc());
  }
  const data = JSON.parse(await body(req)) as unknown;
  const frame = JSON.stringify(data);
  for (const ws of clients) ws.send(frame);
  res.end('ok');
});
const wss = new WebSocketServer({
  server: http,
  perMessageDeflate: false,
  verifyClient: (_info, cb) => void bootstrap(BOOTSTRAP_URL).then((ok) => cb(ok, 403)),
});
wss.on('connection', (ws) => {
  clients.add(ws);
  ws.on('close', () => clients.delete(ws));
});
http.listen(0, '127.0.0.1', () => ready((http.address() as AddressInfo).port));
// A graceful exit on SIGTERM, so that a peer run with --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));
