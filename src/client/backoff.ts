/**
 * Reconnect delays: exponential backoff with jitter, so a fleet of clients cut off together does not come back
 * together (the thundering herd that a fixed delay, as in rohrpost.js and spine-high-templar, produces).
 *
 * @module
 */

/** How reconnect delays grow. */
export interface BackoffOptions {
  /** The first delay. @default 500 */
  readonly minMs?: number;
  /** The largest delay. @default 30000 */
  readonly maxMs?: number;
  /** Each failed attempt multiplies the delay by this. @default 2 */
  readonly factor?: number;
  /** The share of the delay that is random, 0..1: the delay falls in `[base × (1 − jitter), base]`. @default 0.5 */
  readonly jitter?: number;
}

export const BACKOFF_DEFAULTS: Required<BackoffOptions> = { minMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 };

/**
 * The delay before reconnect attempt `attempt` (0 for the first after a loss). Pure: `random` returns [0, 1).
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { minMs, maxMs, factor, jitter } = { ...BACKOFF_DEFAULTS, ...options };
  const base = Math.min(maxMs, minMs * factor ** Math.max(0, attempt));
  const spread = Math.min(1, Math.max(0, jitter));
  return Math.round(base * (1 - spread * random()));
}
