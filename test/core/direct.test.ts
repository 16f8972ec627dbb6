/**
 * Direct delivery without sockets: a frame for a local connection is sent to it, one for another node goes to the
 * layer as a DirectMessage of the dialect's kind, and what arrives from the layer reaches only a connection of
 * that id *and* dialect; anything else is dropped with a debug line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection, type ConnectionEnv } from '../../src/core/connection.js';
import { createDirectDelivery } from '../../src/core/direct.js';
import { Hub } from '../../src/core/hub.js';
import { newId } from '../../src/core/id.js';
import { Registry } from '../../src/core/registry.js';
import type { Socket } from '../../src/core/socket.js';
import { createStats } from '../../src/core/stats.js';
import type { DirectMessage, Layer } from '../../src/layers/layer.js';
import { createMemoryLayer } from '../../src/layers/memory.js';
import type { Logger } from '../../src/log.js';
import { createRoomMatcher } from '../../src/rooms/matcher.js';

function setup() {
  const sent: DirectMessage[] = [];
  const layer: Layer = { ...createMemoryLayer({ nodeId: 'here' }), send: (m) => sent.push(m) };
  const debug: string[] = [];
  const logger: Logger = { debug: (_c, m) => debug.push(m ?? ''), info: () => {}, warn: () => {}, error: () => {} };
  const registry = new Registry();
  const stats = createStats();
  const env: ConnectionEnv = {
    hub: new Hub(layer, new Map()),
    registry,
    limits: { maxQueueBytes: 1 << 20, queuePolicy: 'close', messagesPerSecond: 100, burst: 100 },
    stats,
    view: { nodeId: 'here', connections: () => 0, groups: () => 0, queuedBytes: () => 0, layer: () => layer.status(), stats },
    logger,
  };
  const open = (dialect: string): { conn: Connection; frames: string[] } => {
    const frames: string[] = [];
    const socket: Socket = {
      sendText: (data) => void frames.push(data.toString()),
      sendParts: () => {},
      bufferedAmount: 0,
    backedUp: false,
      onceDrained: () => {},
      close: () => {},
      terminate: () => {},
    };
    const conn = new Connection(newId(), dialect, { user: null, rooms: createRoomMatcher([]) }, socket, env);
    registry.add(conn);
    return { conn, frames };
  };
  const direct = createDirectDelivery({ nodeId: 'here', registry, layer, logger });
  return { direct, open, sent, debug, registry };
}

test('a frame for a local connection is sent to it at once; one for another node goes to the layer', () => {
  const { direct, open, sent } = setup();
  const { conn, frames } = open('rohrpost');
  direct.send(`here/${conn.id}`, 'rohrpost', '{"type":"a"}');
  assert.deepEqual(frames, ['{"type":"a"}']);
  direct.send('there/c1', 'rohrpost', '{"type":"b"}');
  assert.deepEqual(sent, [{ node: 'there', connection: 'c1', kind: 'rohrpost', data: '{"type":"b"}' }]);
});

test('what arrives from the layer reaches the connection of that id and dialect only', () => {
  const { direct, open, debug } = setup();
  const rp = open('rohrpost');
  const templar = open('templar');
  direct.receive({ node: 'here', connection: rp.conn.id, kind: 'rohrpost', data: '{"type":"x"}' });
  direct.receive({ node: 'here', connection: templar.conn.id, kind: 'rohrpost', data: '{"type":"y"}' });
  direct.receive({ node: 'here', connection: newId(), kind: 'rohrpost', data: '{"type":"z"}' });
  direct.receive({ node: 'here', kind: 'kick', data: 'null' });
  assert.deepEqual(rp.frames, ['{"type":"x"}']);
  assert.deepEqual(templar.frames, []);
  assert.deepEqual(debug, [
    'direct message for a connection not on this node: dropped',
    'direct message for a connection not on this node: dropped',
    'direct message with no handler',
  ]);
});

test('a closed connection is no longer found; a malformed address throws before anything is sent', () => {
  const { direct, open, sent, debug, registry } = setup();
  const { conn, frames } = open('rohrpost');
  conn.closed();
  assert.equal(registry.get(conn.id), undefined);
  direct.send(`here/${conn.id}`, 'rohrpost', '{"type":"late"}');
  assert.deepEqual(frames, []);
  assert.equal(debug.length, 1);
  assert.throws(() => direct.send(conn.id, 'rohrpost', '{}'), TypeError);
  assert.deepEqual(sent, []);
});
