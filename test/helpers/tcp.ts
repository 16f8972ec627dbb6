/**
 * A raw TCP client for HTTP deadline tests: it writes a request in pieces, some time apart (a slow or stalled
 * client), records everything the server sends, and measures when the server closes the connection; and a server
 * for such clients that closes them all when the test is done.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { ServerOptions } from '../../src/options.js';
import { start, type Running } from './server.js';

export interface TcpClient {
  readonly socket: Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves with the milliseconds from connect to the server closing the connection. */
  readonly closedAfter: Promise<number>;
}

/** Connects (kept in `sockets` for cleanup) and writes each of `pieces`, `gapMs` apart. */
export async function tcpClient(port: number, sockets: Socket[], pieces: readonly string[] = [], gapMs = 0): Promise<TcpClient> {
  const socket = netConnect({ port, host: '127.0.0.1' });
  sockets.push(socket);
  socket.on('error', () => {});
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const opened = Date.now();
  const closedAfter = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  void (async () => {
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, gapMs));
      if (!socket.destroyed) socket.write(piece);
    }
  })();
  return { socket, received: () => text, closedAfter };
}

/**
 * Runs `fn` against a server started with `options` on a loopback port; the sockets `fn` puts in `sockets` (as
 * {@link tcpClient} does) are destroyed and the server closed afterwards, on every path.
 */
export async function withTcpServer(options: ServerOptions, fn: (rc: Running, sockets: Socket[]) => Promise<void>): Promise<void> {
  const rc = await start(options);
  const sockets: Socket[] = [];
  try {
    await fn(rc, sockets);
  } finally {
    for (const s of sockets) s.destroy();
    await rc.close();
  }
}
