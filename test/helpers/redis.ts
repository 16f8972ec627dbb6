/**
 * The local Redis for tests.
 */
import { Redis } from 'ioredis';
import { skipUnlessRequired } from './server.js';

export const REDIS_URL = process.env.ROOMCAST_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `false` when Redis answers, else the skip reason (throws where services are required). */
export async function redisSkip(): Promise<string | false> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
    return false;
  } catch (err) {
    return skipUnlessRequired('Redis', (err as Error).message);
  } finally {
    probe.disconnect();
  }
}
