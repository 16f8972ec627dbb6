/**
 * The `/healthz` report of one node: healthy while the layer is up and the server is not shutting down.
 *
 * @example
 * healthReport({ node: 'a1', closing: false, connections: 12, layer: { kind: 'memory', ok: true } });
 * // { ok: true, report: { status: 'ok', node: 'a1', connections: 12, layer: { kind: 'memory', ok: true } } }
 *
 * @module
 */
import type { LayerStatus } from '../layers/layer.js';
import type { AmqpTriggerStatus } from '../triggers/amqp.js';

/** The facts a health report is made of, read when `/healthz` is asked. */
export interface HealthFacts {
  readonly node: string;
  /** Whether shutdown has begun. */
  readonly closing: boolean;
  /** Open connections on this node. */
  readonly connections: number;
  readonly layer: LayerStatus;
  /** The AMQP consumer's status, when the server consumes AMQP triggers. */
  readonly amqp?: AmqpTriggerStatus | undefined;
}

/** The report and whether it is healthy (`/healthz` answers 200) or not (503). */
export function healthReport(facts: HealthFacts): { ok: boolean; report: object } {
  const ok = !facts.closing && facts.layer.ok;
  return {
    ok,
    report: {
      status: facts.closing ? 'shutting-down' : ok ? 'ok' : 'degraded',
      node: facts.node,
      connections: facts.connections,
      layer: facts.layer,
      ...(facts.amqp !== undefined ? { amqp: facts.amqp } : {}),
    },
  };
}
