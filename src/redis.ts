/**
 * roomcast/redis: the Redis layer, for running several roomcast nodes behind a load balancer (no sticky
 * sessions). Needs `ioredis` (a dependency of roomcast).
 *
 * @example
 * import { createServer } from 'roomcast';
 * import { createRedisLayer } from 'roomcast/redis';
 * const server = createServer({ layer: createRedisLayer({ url: process.env.REDIS_URL, prefix: 'myapp:' }) });
 *
 * @module
 */
export { createRedisLayer } from './layers/redis.js';
export type { RedisLayer, RedisLayerOptions, RedisLayerStats } from './layers/redis.js';
