/**
 * From validated CLI settings to {@link ServerOptions}.
 *
 * @module
 */
import type { KeyObject } from 'node:crypto';
import { createAnonymousAuth } from '../auth/anonymous.js';
import { createJwtAuth } from '../auth/jwt.js';
import { createRedisLayer } from '../layers/redis.js';
import type { Logger } from '../log.js';
import type { ServerOptions } from '../options.js';
import { nodeHttpGet } from '../transport/http-client.js';
import { headerSpecs, type Settings } from './config.js';
import { flagDefault } from './flags.js';

/**
 * Builds server options; `logger` is the CLI's pino logger, `publicKey` the key resolveSettings read for
 * `--jwt-public-key` (the file is not read again).
 */
export function toServerOptions(s: Settings, logger: Logger, publicKey?: KeyObject): ServerOptions {
  const str = (name: string): string | undefined => s.get(name) as string | undefined;
  const int = (name: string): number | undefined => s.get(name) as number | undefined;
  const list = (name: string): readonly string[] | undefined => s.get(name) as readonly string[] | undefined;
  const apiUrl = str('api-url');
  const amqpUrl = str('amqp-url');
  const idle = int('idle-timeout');
  const grace = int('shutdown-grace');
  const anonymousRooms = (list('anonymous-room') ?? []).map((r) => JSON.parse(r) as Record<string, unknown>);
  return {
    port: int('port'),
    host: str('host'),
    logger,
    ...(str('layer') === 'redis'
      ? { layer: createRedisLayer({ url: str('redis-url'), prefix: str('redis-prefix'), sharded: s.get('redis-sharded') === true, logger }) }
      : {}),
    ...(apiUrl !== undefined
      ? {
          bootstrap: {
            apiUrl,
            apiSocket: str('api-socket'),
            forwardHeaders: headerSpecs(s),
            timeoutMs: int('bootstrap-timeout'),
          },
        }
      : str('jwt-secret') !== undefined || str('jwt-public-key') !== undefined || str('jwt-jwks-url') !== undefined
        ? {
            auth: createJwtAuth({
              ...(str('jwt-secret') !== undefined ? { secret: str('jwt-secret') } : {}),
              ...(publicKey !== undefined ? { publicKey } : {}),
              ...(str('jwt-jwks-url') !== undefined ? { jwksUrl: str('jwt-jwks-url'), httpGet: nodeHttpGet, logger } : {}),
            }),
          }
        : { auth: createAnonymousAuth(anonymousRooms) }),
    ...(amqpUrl !== undefined ? { amqp: { url: amqpUrl, exchange: str('amqp-exchange') } } : {}),
    trigger: { secret: str('trigger-secret'), allowLoopback: s.get('trigger-allow-loopback') === true },
    allowOrigins: list('allow-origin'),
    idleTimeoutMs: idle === undefined ? undefined : idle * 1000,
    headersTimeoutMs: int('headers-timeout'),
    requestTimeoutMs: int('request-timeout'),
    maxFrameBytes: int('max-frame-bytes'),
    maxQueueBytes: int('max-queue-bytes'),
    queuePolicy: str('queue-policy') as ServerOptions['queuePolicy'],
    ...(int('rate-limit') !== undefined || int('rate-burst') !== undefined
      ? { rateLimit: { perSecond: int('rate-limit') ?? Number(flagDefault('rate-limit')), burst: int('rate-burst') ?? Number(flagDefault('rate-burst')) } }
      : {}),
    maxRoomBytes: int('max-room-bytes'),
    templar: { maxSubscriptions: int('max-subscriptions'), status: s.get('no-status') !== true },
    rohrpost: { maxSubscriptions: int('max-subscriptions') },
    binding: { maxSubscriptions: int('max-subscriptions') },
    shutdownGraceMs: grace === undefined ? undefined : grace * 1000,
  };
}
