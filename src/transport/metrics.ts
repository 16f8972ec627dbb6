/**
 * `GET /metrics` in Prometheus text format. Values are read from the server's counters at scrape time, so
 * metrics cost nothing in the hot path.
 *
 * @module
 */
import { Registry } from 'prom-client';
import type { Stats } from '../core/stats.js';
import type { LayerCounters } from '../layers/layer.js';
import { counter, gauge, registerProcessMetrics } from './process-metrics.js';

/** What the metrics read. */
export interface MetricsSource {
  readonly stats: Stats;
  connections(): number;
  groups(): number;
  queuedBytes(): number;
  layerUp(): boolean;
  /** The layer's running totals, if it keeps them. */
  layerCounters(): LayerCounters | undefined;
}

/** Creates the registry (one per server, never the global one). */
export function createMetrics(source: MetricsSource): Registry {
  const registry = new Registry();
  registerProcessMetrics(registry);
  const { stats } = source;
  gauge(registry, 'roomcast_connections', 'Open WebSocket connections on this node.', () => source.connections());
  gauge(registry, 'roomcast_groups', 'Groups (rooms) with at least one member on this node.', () => source.groups());
  gauge(registry, 'roomcast_queued_bytes', 'Bytes waiting in outbound queues on this node.', () => source.queuedBytes());
  gauge(registry, 'roomcast_layer_up', 'Whether the cross-node layer is healthy (1) or not (0).', () => (source.layerUp() ? 1 : 0));
  counter(registry, 'roomcast_frames_received_total', 'Application frames received from clients.', () => stats.received);
  counter(registry, 'roomcast_frames_sent_total', 'Frames written to clients.', () => stats.sent);
  counter(registry, 'roomcast_send_errors_total', 'Frames that could not be sent.', () => stats.sendErrors);
  counter(registry, 'roomcast_slow_consumers_total', 'Connections closed because their queue overflowed (4008).', () => stats.slowConsumers);
  counter(registry, 'roomcast_frames_dropped_total', 'Fan-out frames dropped by the drop-oldest queue policy.', () => stats.dropped);
  counter(registry, 'roomcast_http_triggers_total', 'Triggers received over HTTP.', () => stats.httpTriggers);
  counter(registry, 'roomcast_amqp_triggers_total', 'Triggers received over AMQP.', () => stats.amqpReceived);
  counter(registry, 'roomcast_layer_published_total', 'Messages sent to other nodes through the layer.', () => source.layerCounters()?.published ?? 0);
  counter(registry, 'roomcast_layer_publish_errors_total', 'Messages to other nodes the layer could not send (lost: delivery across nodes is at most once).', () => source.layerCounters()?.publishErrors ?? 0);
  counter(registry, 'roomcast_layer_received_total', 'Messages received from other nodes.', () => source.layerCounters()?.received ?? 0);
  return registry;
}
