/**
 * A handler that joins after its connection closed (it awaited something meanwhile) must not leave a membership
 * behind: nothing would ever remove it, and the group would keep the dead connection.
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

test('join after closed() joins nothing; leaving that membership is harmless', () => {
  const layer = createMemoryLayer();
  const hub = new Hub(layer, new Map());
  const stats = createStats();
  const env: ConnectionEnv = {
    hub,
    registry: new Registry(),
    limits: { maxQueueBytes: 1 << 20, queuePolicy: 'close', messagesPerSecond: 100, burst: 100 },
    stats,
    view: { nodeId: layer.nodeId, connections: () => 0, groups: () => 0, queuedBytes: () => 0, layer: () => layer.status(), stats },
    logger: silentLogger,
  };
  const socket: Socket = { sendText: () => {}, sendParts: () => {}, bufferedAmount: 0, backedUp: false, onceDrained: () => {}, close: () => {}, terminate: () => {} };
  const conn = new Connection(newId(), 'rohrpost', { user: null, rooms: createRoomMatcher([]) }, socket, env);
  env.registry.add(conn);
  conn.join('before');
  assert.equal(hub.members('before'), 1);
  conn.closed();
  assert.equal(hub.members('before'), 0);
  const late = conn.join('after');
  assert.equal(hub.members('after'), 0);
  assert.equal(conn.memberships.length, 0);
  conn.leave(late);
  assert.equal(hub.countGroups(), 0);
});
