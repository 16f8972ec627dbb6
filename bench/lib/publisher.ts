/**
 * Publishes over HTTP the way an app's backend would (keep-alive POSTs): in a burst for throughput, or at a
 * fixed rate for latency. Each payload carries its send time `t` for the load generators.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Target {
  readonly port: number;
  readonly path: string;
  /** Wraps the data JSON into the peer's publish body. */
  readonly wrap: (data: string) => string;
}

const PAD = 'x'.repeat(64);
const now = (): number => performance.timeOrigin + performance.now();

export class Publisher {
  #target: Target;
  #agent = new Agent({ keepAlive: true, maxSockets: 16 });
  inflight = 0;
  published = 0;
  failures = 0;

  constructor(target: Target) {
    this.#target = target;
  }

  publish(): Promise<void> {
    const seq = this.published++;
    const body = this.#target.wrap(`{"seq":${seq},"pad":"${PAD}","t":${now()}}`);
    this.inflight++;
    return new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: this.#target.port, path: this.#target.path, method: 'POST', agent: this.#agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          if (res.statusCode !== 200) this.failures++;
          res.resume();
          res.on('end', () => {
            this.inflight--;
            resolve();
          });
        },
      );
      req.on('error', () => {
        this.failures++;
        this.inflight--;
        resolve();
      });
      req.end(body);
    });
  }

  /**
   * Publishes `count` times as fast as the peer accepts them (`maxInflight` requests open) and resolves when
   * `delivered()` reaches `expected` (or after `timeoutMs`), with the seconds from first publish to last delivery.
   */
  async burst(count: number, expected: number, delivered: () => number, timeoutMs: number, maxInflight = 16): Promise<{ seconds: number; complete: boolean }> {
    const t0 = performance.now();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        while (sent < count && this.inflight < maxInflight) {
          sent++;
          void this.publish().then(pump);
        }
        if (sent === count && this.inflight === 0) resolve();
      };
      pump();
    });
    while (delivered() < expected && performance.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 5));
    return { seconds: (performance.now() - t0) / 1000, complete: delivered() >= expected };
  }

  /** Publishes `perSecond` times a second for `ms`. */
  async fixedRate(ms: number, perSecond: number): Promise<void> {
    const start = performance.now();
    const interval = 1000 / perSecond;
    for (let i = 0; ; i++) {
      const at = start + i * interval;
      if (at - start >= ms) break;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      void this.publish();
    }
    while (this.inflight > 0) await new Promise((r) => setTimeout(r, 5));
  }

  close(): void {
    this.#agent.destroy();
  }
}
