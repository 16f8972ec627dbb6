/**
 * A test WebSocket client: frames are queued so a test can `await next()` in order, with a timeout.
 */
import WebSocket from 'ws';

export interface TestClient {
  readonly ws: WebSocket;
  /** The next text frame, raw. Rejects after `timeoutMs`. */
  nextText(timeoutMs?: number): Promise<string>;
  /** The next frame, JSON-decoded. */
  next(timeoutMs?: number): Promise<unknown>;
  /** Resolves to `undefined` if no frame arrives within `ms`, else rejects with the frame. */
  silence(ms: number): Promise<void>;
  send(frame: unknown): void;
  /** Sends and returns the next frame, decoded. */
  ask(frame: unknown): Promise<unknown>;
  /** The close code and reason, once closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  headers?: Record<string, string>;
  /** Rejects when the upgrade fails; the error message holds the HTTP status. */
  origin?: string;
}

/** Connects; rejects with `Error('unexpected status NNN')` when the upgrade is refused. */
export function connect(url: string, options: ConnectOptions = {}): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: options.headers, origin: options.origin });
    const frames: string[] = [];
    const waiters: ((frame: string) => void)[] = [];
    let resolveClosed!: (v: { code: number; reason: string }) => void;
    const closed = new Promise<{ code: number; reason: string }>((r) => (resolveClosed = r));
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      const waiter = waiters.shift();
      if (waiter !== undefined) waiter(text);
      else frames.push(text);
    });
    ws.on('close', (code, reason) => resolveClosed({ code, reason: reason.toString() }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`unexpected status ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.on('error', reject);
    const nextText = (timeoutMs = 3000): Promise<string> => {
      const ready = frames.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((res, rej) => {
        const timer = setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i !== -1) waiters.splice(i, 1);
          rej(new Error(`no frame within ${timeoutMs} ms`));
        }, timeoutMs);
        const waiter = (frame: string): void => {
          clearTimeout(timer);
          res(frame);
        };
        waiters.push(waiter);
      });
    };
    const client: TestClient = {
      ws,
      nextText,
      next: async (timeoutMs) => JSON.parse(await nextText(timeoutMs)) as unknown,
      silence: async (ms) => {
        const frame = await nextText(ms).catch(() => undefined);
        if (frame !== undefined) throw new Error(`expected silence, got ${frame}`);
      },
      send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
      ask: async (frame) => {
        client.send(frame);
        return client.next();
      },
      closed,
      close: async () => {
        if (ws.readyState !== WebSocket.CLOSED) ws.close();
        await closed;
      },
    };
    ws.on('open', () => resolve(client));
  });
}
