/**
 * Socket.IO 4 with rooms: clients join rooms with an acknowledged `join` event; publishes go to the room
 * through an HTTP endpoint, as roomcast's trigger does. WebSocket transport only.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { BOOTSTRAP_URL, body, bootstrap, gc, ready } from './common.js';

const http = createServer(async (req, res) => {
  if (req.url === '/gc') {
    return void res.end(gc());
  }
  if (req.url !== '/publish') return;
  const data = JSON.parse(await body(req)) as unknown;
  io.to('bench').emit('message', data);
  res.end('ok');
});
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
io.use((_socket, next) => void bootstrap(BOOTSTRAP_URL).then((ok) => next(ok ? undefined : new Error('forbidden'))));
io.on('connection', (socket) => {
  socket.on('join', (rooms: string[], ack?: (ok: boolean) => void) => {
    void socket.join(rooms);
    ack?.(true);
  });
});
http.listen(0, '127.0.0.1', () => ready((http.address() as AddressInfo).port));
// A graceful exit on SIGTERM, so that a peer run with --cpu-prof writes its profile.
process.on('SIGTERM', () => process.exit(0));
