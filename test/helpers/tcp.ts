/**
 * A raw TCP client for HTTP deadline tests: it writes a request in pieces, some time apart (a slow or stalled
 * client), records everything the server sends, and measures when the server closes the connection.
 */
import { connect as netConnect, type Socket } from 'node:net';

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

/** `promise`, or a rejection after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}
