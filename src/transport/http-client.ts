/**
 * {@link HttpGet} over `node:http` / `node:https`, with a hard timeout, a body cap and unix-socket dialling.
 *
 * @module
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HttpGet } from '../auth/http-get.js';

/** GETs without following redirects: a redirect (to a login page, typically) is an answer, not a detour. */
export const nodeHttpGet: HttpGet = (req) =>
  new Promise((resolve) => {
    let settled = false;
    const done = (value: Awaited<ReturnType<HttpGet>>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      done({ failure: 'unreachable', detail: 'invalid URL' });
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...req.headers },
      ...(req.socketPath !== undefined ? { socketPath: req.socketPath } : {}),
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      done({ failure: 'timeout', detail: `no answer within ${req.timeoutMs} ms` });
    }, req.timeoutMs);
    const onAbort = (): void => {
      outgoing.destroy();
      done({ failure: 'aborted', detail: 'client went away' });
    };
    req.signal.addEventListener('abort', onAbort);
    outgoing.on('error', (err) => done({ failure: 'unreachable', detail: err.message }));
    outgoing.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > req.maxBodyBytes) {
          outgoing.destroy();
          done({ failure: 'too-large', detail: `body over ${req.maxBodyBytes} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        done({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', (err) => done({ failure: 'unreachable', detail: err.message }));
    });
    outgoing.end();
  });
