/**
 * The memory layer: the embedded default. One process is one node; nodes created on the same {@link MemoryBus}
 * (several servers in one process, as tests do) reach each other as they would through Redis.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Envelope } from '../core/envelope.js';
import type { DirectMessage, Layer, LayerSink, LayerStatus } from './layer.js';

/** Nodes that share one bus see each other's publishes. */
export interface MemoryBus {
  readonly nodes: Map<string, { sink: LayerSink; groups: Set<string> }>;
}

/** A bus for in-process nodes. */
export function createMemoryBus(): MemoryBus {
  return { nodes: new Map() };
}

/** Options of {@link createMemoryLayer}. */
export interface MemoryLayerOptions {
  /** Share a bus to join several in-process nodes. @default a bus of its own */
  readonly bus?: MemoryBus;
  /** This node's id. @default a random UUID */
  readonly nodeId?: string;
}

/**
 * Creates the in-process layer.
 *
 * @example
 * const bus = createMemoryBus();
 * const a = createServer({ layer: createMemoryLayer({ bus }) });
 * const b = createServer({ layer: createMemoryLayer({ bus }) });
 */
export function createMemoryLayer(options: MemoryLayerOptions = {}): Layer {
  const bus = options.bus ?? createMemoryBus();
  const nodeId = options.nodeId ?? randomUUID();
  const groups = new Set<string>();
  // Delivery is asynchronous, as over a network, but keeps each publisher's order.
  const later = (fn: () => void): void => queueMicrotask(fn);

  return {
    nodeId,
    async attach(sink: LayerSink): Promise<void> {
      bus.nodes.set(nodeId, { sink, groups });
    },
    publish(envelope: Envelope): void {
      for (const [id, node] of bus.nodes) {
        if (id === nodeId) continue;
        // Only the groups that node has members in, as a Redis subscription would carry.
        const groups = envelope.groups.filter((g) => node.groups.has(g));
        if (groups.length > 0) later(() => node.sink.deliver({ ...envelope, groups, origin: nodeId }));
      }
    },
    interest(group: string, on: boolean): void {
      if (on) groups.add(group);
      else groups.delete(group);
    },
    send(message: DirectMessage): void {
      const node = bus.nodes.get(message.node);
      if (node !== undefined) later(() => node.sink.direct(message));
    },
    status(): LayerStatus {
      return { kind: 'memory', ok: true, detail: `${bus.nodes.size} node(s) on the bus` };
    },
    async close(): Promise<void> {
      bus.nodes.delete(nodeId);
      groups.clear();
    },
  };
}
