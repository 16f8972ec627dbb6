/**
 * The shared sweep of a node's connections: idle ones are closed with 1000, those whose credentials expired with
 * 4003. One timer for the node, none per connection.
 *
 * @module
 */
import type { Registry } from '../core/registry.js';
import { CloseCode } from '../wire/close-codes.js';

/**
 * Starts sweeping `registry` (`idleMs` of `0`: no idle timeout). Idle connections close within a tenth of the idle
 * timeout and at most a second late; expired credentials within a second.
 */
export function startSweeping(registry: Registry, idleMs: number): void {
  registry.sweep(
    Math.max(10, Math.min(1000, idleMs > 0 ? Math.floor(idleMs / 10) : 1000)),
    idleMs,
    (conn) => conn.close(CloseCode.Normal, 'idle timeout'),
    (conn) => conn.close(CloseCode.Forbidden, 'credentials expired'),
  );
}
