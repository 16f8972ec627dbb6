/**
 * What every benchmark peer shares: the bootstrap round-trip each connection pays (same node:http client for
 * all peers), reading a request body, and the READY line the orchestrator waits for.
 */
import { get, type IncomingMessage } from 'node:http';
import { basename } from 'node:path';
import { recordPauses } from '../lib/pauses.js';

recordPauses(basename(process.argv[1] ?? 'peer', '.mjs'));

/** GETs the stub backend's bootstrap; resolves true on 200. */
export function bootstrap(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    }).on('error', () => resolve(false));
  });
}

export function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
  });
}

/** Tells the orchestrator where clients connect (and, for two-node peers, where to publish). */
export function ready(port: number, publishPort = port): void {
  process.stdout.write(`READY ${port} ${publishPort}\n`);
}

/** Collects garbage when the orchestrator asks (peers run with --expose-gc), for fair RSS readings. */
export function gc(): string {
  (globalThis as { gc?: () => void }).gc?.();
  return JSON.stringify(process.memoryUsage());
}

export const BOOTSTRAP_URL = process.env.BENCH_BOOTSTRAP_URL ?? '';
