/**
 * One conformance suite for every layer: interest, delivery to the other node only, no self-echo, per-publisher
 * order, direct messages, payload carried byte for byte. Runs against the memory layer and the real Redis.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Envelope } from '../../src/core/envelope.js';
import type { DirectMessage, Layer } from '../../src/layers/layer.js';
import { createMemoryBus, createMemoryLayer } from '../../src/layers/memory.js';
import { createRedisLayer } from '../../src/layers/redis.js';
import { REDIS_URL, redisSkip } from '../helpers/redis.js';
import { eventually } from '../helpers/server.js';

interface Node {
  layer: Layer;
  delivered: Envelope[];
  direct: DirectMessage[];
}

async function node(layer: Layer): Promise<Node> {
  const n: Node = { layer, delivered: [], direct: [] };
  await layer.attach({ deliver: (e) => n.delivered.push(e), direct: (m) => n.direct.push(m) });
  return n;
}

const envelope = (group: string, data: string, extra: Partial<Envelope> = {}): Envelope => ({ groups: [group], event: 'publish', data, ...extra });
const settle = (ms = 150): Promise<void> => new Promise((r) => setTimeout(r, ms));

function suite(name: string, make: () => Promise<[Layer, Layer]>, skip: string | false): void {
  describe(`${name} layer`, { skip }, () => {
    const open: Layer[] = [];
    const pair = async (): Promise<[Node, Node]> => {
      const [x, y] = await make();
      open.push(x, y);
      return [await node(x), await node(y)];
    };
    after(async () => {
      await Promise.all(open.map((l) => l.close()));
    });

    test('delivers to a node with interest, not back to the publisher', async () => {
      const [a, b] = await pair();
      b.layer.interest('g1', true);
      a.layer.interest('g1', true);
      await settle();
      a.layer.publish(envelope('g1', '{"n":1}', { origin: a.layer.nodeId }));
      await eventually(() => assert.equal(b.delivered.length, 1));
      await settle();
      assert.equal(a.delivered.length, 0, 'no self-echo');
      assert.deepEqual(b.delivered[0], { groups: ['g1'], event: 'publish', data: '{"n":1}', origin: a.layer.nodeId });
    });

    test('no interest, no delivery; interest off stops delivery', async () => {
      const [a, b] = await pair();
      a.layer.publish(envelope('g2', '1'));
      await settle(); // published before anyone was interested: gone
      b.layer.interest('g2', true);
      await settle();
      a.layer.publish(envelope('g2', '2'));
      await eventually(() => assert.deepEqual(b.delivered.map((e) => e.data), ['2']));
      b.layer.interest('g2', false);
      await settle();
      a.layer.publish(envelope('g2', '3'));
      await settle();
      assert.deepEqual(b.delivered.map((e) => e.data), ['2']);
    });

    test('keeps each publisher’s order', async () => {
      const [a, b] = await pair();
      b.layer.interest('g3', true);
      await settle();
      for (let i = 0; i < 200; i++) a.layer.publish(envelope('g3', String(i)));
      await eventually(() => assert.equal(b.delivered.length, 200));
      assert.deepEqual(b.delivered.map((e) => Number(e.data)), Array.from({ length: 200 }, (_, i) => i));
    });

    test('an envelope for several groups reaches each group it lists; exclude travels along', async () => {
      const [a, b] = await pair();
      b.layer.interest('x', true);
      b.layer.interest('y', true);
      await settle();
      a.layer.publish({ groups: ['x', 'nobody', 'y'], event: 'publish', data: '"d"', exclude: 'conn-1' });
      // Each wanted group exactly once, whether it comes in one envelope (memory) or one per group (Redis).
      await eventually(() => assert.deepEqual(b.delivered.flatMap((e) => e.groups).sort(), ['x', 'y']));
      await settle();
      assert.deepEqual(b.delivered.flatMap((e) => e.groups).sort(), ['x', 'y']);
      assert.ok(b.delivered.every((e) => e.exclude === 'conn-1'));
    });

    test('payloads arrive byte for byte', async () => {
      const [a, b] = await pair();
      b.layer.interest('raw', true);
      await settle();
      const data = '{"price": 1.0, "id": 12345678901234567890, "s": "é\\u0000"}';
      a.layer.publish(envelope('raw', data));
      await eventually(() => assert.equal(b.delivered[0]?.data, data));
    });

    test('direct messages reach the addressed node only', async () => {
      const [a, b] = await pair();
      await settle();
      a.layer.send({ node: b.layer.nodeId, connection: 'c9', kind: 'kick', data: '{"code":4003}' });
      a.layer.send({ node: 'some-other-node', kind: 'kick', data: 'null' });
      await eventually(() => assert.equal(b.direct.length, 1));
      assert.deepEqual(b.direct[0], { node: b.layer.nodeId, connection: 'c9', kind: 'kick', data: '{"code":4003}' });
      await settle();
      assert.equal(a.direct.length, 0);
    });

    test('reports healthy', async () => {
      const [a] = await pair();
      await eventually(() => assert.equal(a.layer.status().ok, true));
    });
  });
}

const redisSkipReason = await redisSkip();
suite('memory', async () => {
  const bus = createMemoryBus();
  return [createMemoryLayer({ bus }), createMemoryLayer({ bus })];
}, false);
for (const sharded of [false, true]) {
  suite(sharded ? 'redis (sharded)' : 'redis', async () => {
    const prefix = `roomcast-test-${randomUUID()}:`;
    return [createRedisLayer({ url: REDIS_URL, prefix, sharded }), createRedisLayer({ url: REDIS_URL, prefix, sharded })];
  }, redisSkipReason);
}
