/**
 * The drop-oldest queue policy against a socket that reports its own state: frames are held only while the
 * socket is backed up (a drain will come), flushed on drain, and the oldest dropped beyond half the limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection, type ConnectionEnv } from '../../src/core/connection.js';
import { Hub } from '../../src/core/hub.js';
import { newId } from '../../src/core/id.js';
import { Registry } from '../../src/core/registry.js';
import type { Socket } from '../../src/core/socket.js';
import { createStats } from '../../src/core/stats.js';
import { createMemoryLayer } from '../../src/layers/memory.js';
import { silentLogger } from '../../src/log.js';
import { createRoomMatcher } from '../../src/rooms/matcher.js';

const LIMIT = 64 * 1024;

function setup(): { conn: Connection; socket: Socket & { backedUp: boolean; written: number[]; drain(): void }; stats: ReturnType<typeof createStats> } {
  const layer = createMemoryLayer();
  const stats = createStats();
  const env: ConnectionEnv = {
    hub: new Hub(layer, new Map()),
    registry: new Registry(),
    limits: { maxQueueBytes: LIMIT, queuePolicy: 'drop-oldest', messagesPerSecond: 100, burst: 100 },
    stats,
    view: { nodeId: layer.nodeId, connections: () => 0, groups: () => 0, queuedBytes: () => 0, layer: () => layer.status(), stats },
    logger: silentLogger,
  };
  let onDrain: (() => void) | undefined;
  const socket = {
    backedUp: false,
    bufferedAmount: 0,
    written: [] as number[],
    sendText: () => {},
    sendParts(head: Buffer) {
      socket.written.push(head.length);
    },
    onceDrained(listener: () => void) {
      onDrain = listener;
    },
    drain() {
      socket.backedUp = false;
      const listener = onDrain;
      onDrain = undefined;
      listener?.();
    },
    close: () => {},
    terminate: () => {},
  };
  const conn = new Connection(newId(), 'rohrpost', { user: null, rooms: createRoomMatcher([]) }, socket, env);
  return { conn, socket, stats };
}

test('drop-oldest: a frame larger than half the limit goes out on a socket that is not backed up (it used to be held for good)', () => {
  const { conn, socket } = setup();
  conn.sendParts(Buffer.alloc(40 * 1024), undefined, 0);
  conn.sendParts(Buffer.alloc(10), undefined, 0);
  assert.deepEqual(socket.written, [40 * 1024, 10]);
});

test('drop-oldest: while backed up frames wait, the oldest beyond half the limit are dropped, the rest go out on drain', () => {
  const { conn, socket, stats } = setup();
  socket.backedUp = true;
  for (let i = 1; i <= 5; i++) conn.sendParts(Buffer.alloc(10 * 1024 + i), undefined, 0);
  assert.deepEqual(socket.written, []);
  // 5 × 10 KiB held; half the limit is 32 KiB: the two oldest are dropped.
  assert.equal(stats.dropped, 2);
  socket.drain();
  assert.deepEqual(socket.written, [10 * 1024 + 3, 10 * 1024 + 4, 10 * 1024 + 5]);
});
