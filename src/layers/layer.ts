/**
 * The layer carries messages between nodes and nothing else: membership and fan-out stay in the hub
 * (STYLE.md: the distributed adapter is dumb). A Redis layer subscribes to a group's channel while `interest`
 * is on for it, and runs one channel per node for direct messages.
 *
 * @module
 */
import type { Envelope } from '../core/envelope.js';

/** A message for one node, or for one connection on that node (kicks, server→client calls). */
export interface DirectMessage {
  /** The node that should receive it. */
  readonly node: string;
  /** The connection on that node, when it is for one connection. */
  readonly connection?: string;
  /** What it is, for the receiving hub to dispatch on. */
  readonly kind: string;
  /** Payload as JSON text. */
  readonly data: string;
}

/** Where a layer hands what arrives from other nodes. */
export interface LayerSink {
  /** An envelope published on another node, for this node's local members. */
  deliver(envelope: Envelope): void;
  /** A message addressed to this node. */
  direct(message: DirectMessage): void;
}

/** The layer's health, for `/healthz` and `status`. */
export interface LayerStatus {
  readonly kind: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** Running totals of a layer, for metrics. */
export interface LayerCounters {
  /** Messages handed to the transport for other nodes. */
  readonly published: number;
  /** Of those, how many the transport refused (e.g. Redis away): lost, at most once. */
  readonly publishErrors: number;
  /** Messages received from other nodes. */
  readonly received: number;
}

/** Cross-node delivery. Every method but `attach` and `close` is fire-and-forget; failures are logged by the layer. */
export interface Layer {
  /** This node's id, unique among the nodes sharing the layer. */
  readonly nodeId: string;
  /** Running totals, when the layer keeps them. */
  readonly stats?: LayerCounters;
  /** Connects and starts handing remote messages to `sink`. */
  attach(sink: LayerSink): Promise<void>;
  /** Sends an envelope to the other nodes that have members in any of its groups (never back to this one). */
  publish(envelope: Envelope): void;
  /** This node gained its first (`true`) or lost its last (`false`) local member of `group`. */
  interest(group: string, on: boolean): void;
  /** Sends a message to one node. */
  send(message: DirectMessage): void;
  /** Current health. */
  status(): LayerStatus;
  /** Stops delivery and releases connections. */
  close(): Promise<void>;
}
