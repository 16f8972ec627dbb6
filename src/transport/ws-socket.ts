/**
 * {@link Socket} over a `ws` WebSocket. Writes are corked and flushed once per event-loop turn, so a burst of
 * publishes to one client costs one syscall, not one per frame (DESIGN.md, performance principles).
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Socket } from '../core/socket.js';

const TEXT = { binary: false } as const;
let corked: Duplex[] = [];
let flushScheduled = false;

function flush(): void {
  const sockets = corked;
  corked = [];
  flushScheduled = false;
  for (const s of sockets) s.uncork();
}

function corkForThisTurn(raw: Duplex): void {
  if (raw.writableCorked > 0 || raw.destroyed) return;
  raw.cork();
  corked.push(raw);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
}

/** Wraps a ws WebSocket and the raw stream it runs on. */
export function wrapWebSocket(ws: WebSocket, raw: Duplex): Socket {
  return {
    send(data) {
      corkForThisTurn(raw);
      ws.send(data, TEXT);
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    close(code, reason) {
      ws.close(code, reason);
    },
    terminate() {
      ws.terminate();
    },
  };
}
