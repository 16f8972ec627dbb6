/**
 * Starts a real roomcast server on a loopback port chosen by the OS.
 */
import { createServer, type RoomcastServer } from '../../src/server.js';
import type { ServerOptions } from '../../src/options.js';

export interface Running {
  readonly server: RoomcastServer;
  readonly port: number;
  /** `http://127.0.0.1:port` */
  readonly url: string;
  /** `ws://127.0.0.1:port/ws/` */
  readonly wsUrl: string;
  close(): Promise<void>;
}

export async function start(options: ServerOptions = {}): Promise<Running> {
  const server = createServer({ port: 0, host: '127.0.0.1', ...options });
  const { port, url } = await server.listen();
  return { server, port, url, wsUrl: `ws://127.0.0.1:${port}/ws/`, close: () => server.close() };
}

/** POSTs a trigger body; returns status and text. */
export async function trigger(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/trigger/`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  });
  return { status: res.status, text: await res.text() };
}

/** Whether a required local service may be skipped (it may not in CI: ROOMCAST_REQUIRE_SERVICES=1). */
export function skipUnlessRequired(service: string, reason: string): string | false {
  if (process.env.ROOMCAST_REQUIRE_SERVICES === '1') throw new Error(`${service} is required but ${reason}`);
  return `${service} unavailable: ${reason}`;
}

/** Retries `check` until it stops throwing, for state the server updates on its own schedule (a close). */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
