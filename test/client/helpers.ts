/**
 * Helpers for client tests: a free loopback port (to restart a server on the same address) and waiting for a
 * client event with a timeout.
 */
import { createServer } from 'node:net';
import { RequestError } from '../../src/client/errors.js';

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The RequestError a promise rejects with; fails if it resolves or rejects with something else. */
export async function failure(promise: Promise<unknown>): Promise<RequestError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RequestError) return err;
    throw err;
  }
  throw new Error('expected a RequestError, but it resolved');
}
