/**
 * Publishes over HTTP the way an app's backend would (keep-alive POSTs): in a burst for throughput, or at a
 * fixed rate for latency. Each payload carries its send time `t` (lib/clock.ts) for the load generators and a
 * sequence number `seq` unique in the run.
 *
 * The client is a few lines over raw TCP, like the load generators: the timestamp is taken right before the
 * request is written, in the same call, so what it measures is the peer, not an HTTP client's agent queue or
 * its garbage. It runs in a process of its own (bench/publish.ts), away from the orchestrator's work.
 */
import { connect, type Socket } from 'node:net';
import { now } from './clock.js';

/** Where and how a peer takes publishes: the data JSON goes between `prefix` and `suffix`. */
export interface Target {
  readonly port: number;
  readonly path: string;
  readonly prefix: string;
  readonly suffix: string;
}

const PAD = 'x'.repeat(64);
const HEAD_END = Buffer.from('\r\n\r\n');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One keep-alive HTTP/1.1 connection carrying one request at a time. */
class Line {
  readonly #socket: Socket;
  #pending: Buffer = Buffer.alloc(0);
  #answer: ((status: number) => void) | undefined;
  alive = true;

  constructor(port: number) {
    this.#socket = connect({ port, host: '127.0.0.1' });
    this.#socket.setNoDelay(true);
    this.#socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.#socket.on('error', () => this.#socket.destroy());
    this.#socket.on('close', () => {
      this.alive = false;
      this.#settle(0);
    });
  }

  /** Writes the request at once; resolves with the response's status (0 when the connection failed). */
  send(request: string): Promise<number> {
    return new Promise((resolve) => {
      this.#answer = resolve;
      this.#socket.write(request);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #read(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const end = this.#pending.indexOf(HEAD_END);
    if (end === -1) return;
    const head = this.#pending.toString('latin1', 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (length === null) {
      // Every peer answers with a Content-Length; anything else would be misread, so it counts as a failure.
      this.#socket.destroy();
      return;
    }
    const total = end + HEAD_END.length + Number(length[1]);
    if (this.#pending.length < total) return;
    this.#pending = this.#pending.subarray(total);
    this.#settle(Number(head.slice(9, 12)));
    if (/\r\nconnection: *close/i.test(head)) this.#socket.end();
  }

  #settle(status: number): void {
    const answer = this.#answer;
    this.#answer = undefined;
    answer?.(status);
  }
}

/** Publishes to one peer over up to `maxLines` connections. */
export class Publisher {
  readonly #target: Target;
  readonly #idle: Line[] = [];
  inflight = 0;
  failures = 0;

  constructor(target: Target) {
    this.#target = target;
  }

  /** One publish with sequence number `seq`; resolves when it is answered. */
  async publish(seq: number): Promise<void> {
    let line = this.#idle.pop();
    while (line !== undefined && !line.alive) line = this.#idle.pop();
    line ??= new Line(this.#target.port);
    const { port, path, prefix, suffix } = this.#target;
    this.inflight++;
    const body = `${prefix}{"seq":${seq},"pad":"${PAD}","t":${now()}}${suffix}`;
    const status = await line.send(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    this.inflight--;
    if (status !== 200) this.failures++;
    if (line.alive) this.#idle.push(line);
  }

  close(): void {
    for (const line of this.#idle.splice(0)) line.close();
  }
}

/** Publishers for a run's targets, numbering publishes across all of them. */
export class Publishers {
  readonly #publishers: Publisher[];
  published = 0;

  constructor(targets: readonly Target[]) {
    this.#publishers = targets.map((t) => new Publisher(t));
  }

  get failures(): number {
    return this.#publishers.reduce((n, p) => n + p.failures, 0);
  }

  /** Publishes `count` times to target `index` as fast as it answers (`maxInflight` requests open). */
  burst(index: number, count: number, maxInflight = 16): Promise<void> {
    const publisher = this.#publishers[index] as Publisher;
    let sent = 0;
    return new Promise<void>((resolve) => {
      const pump = (): void => {
        while (sent < count && publisher.inflight < maxInflight) {
          sent++;
          void publisher.publish(this.published++).then(pump);
        }
        if (sent === count && publisher.inflight === 0) resolve();
      };
      pump();
    });
  }

  /**
   * Publishes `count` times to every target, `perSecond` times a second to each, in one stream that moves to the
   * next target with every publish; each cycle through the targets starts one further on, so every target follows
   * every other equally often. A pause of the machine (another process, the hypervisor, a generator's garbage
   * collection) then lands on every target alike.
   */
  async rotate(count: number, perSecond: number): Promise<void> {
    const n = this.#publishers.length;
    const interval = 1000 / (perSecond * n);
    const start = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < count * n; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 0) await sleep(wait);
      const target = ((i % n) + Math.floor(i / n)) % n;
      pending.push((this.#publishers[target] as Publisher).publish(this.published++));
    }
    await Promise.all(pending);
  }

  close(): void {
    for (const p of this.#publishers) p.close();
  }
}
