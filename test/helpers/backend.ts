/**
 * A stub django-binder backend on loopback: answers `GET /api/bootstrap/` with whatever the test sets, and
 * records the headers of each request.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BootstrapAnswer {
  status?: number;
  /** Object bodies are JSON-encoded; strings are sent as they are. */
  body?: unknown;
  contentType?: string;
  delayMs?: number;
}

export interface StubBackend {
  /** The API root to configure as `apiUrl`, ending in `/`. */
  readonly apiUrl: string;
  /** Headers of every bootstrap request, oldest first. */
  readonly requests: IncomingHttpHeaders[];
  answer(answer: BootstrapAnswer): void;
  /** Answers by the `?token=` the client sent (forwarded as `authorization: Token <t>`). */
  answerByToken(answers: Record<string, BootstrapAnswer>): void;
  close(): Promise<void>;
}

export async function startBackend(initial: BootstrapAnswer = { body: {} }): Promise<StubBackend> {
  let current: BootstrapAnswer = initial;
  let byToken: Record<string, BootstrapAnswer> | undefined;
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/api/bootstrap/') {
      res.writeHead(404).end();
      return;
    }
    requests.push(req.headers);
    const auth = req.headers.authorization;
    const a = (byToken !== undefined && auth?.startsWith('Token ') ? byToken[auth.slice(6)] : undefined) ?? current;
    const send = (): void => {
      if (res.destroyed) return;
      const body = typeof a.body === 'string' ? a.body : JSON.stringify(a.body ?? {});
      res.writeHead(a.status ?? 200, { 'content-type': a.contentType ?? 'application/json' }).end(body);
    };
    if (a.delayMs !== undefined) setTimeout(send, a.delayMs).unref();
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    requests,
    answer(answer) {
      current = answer;
      byToken = undefined;
    },
    answerByToken(answers) {
      byToken = answers;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
