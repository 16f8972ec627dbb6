/**
 * The parts of a server that its options may leave out: the dialects, the auth strategy, the per-connection
 * limits (DEFAULTS in options.ts holds the values).
 *
 * @module
 */
import { createBootstrapAuth } from '../auth/bootstrap.js';
import type { AuthStrategy } from '../auth/strategy.js';
import { createRoomMatcher } from '../rooms/matcher.js';
import { roomOf } from '../rooms/room.js';
import type { ConnectionLimits } from '../core/connection.js';
import type { Dialect } from '../dialects/dialect.js';
import { createBindingDialect } from '../dialects/binding/index.js';
import { createRohrpostDialect } from '../dialects/rohrpost/index.js';
import { createTemplarDialect } from '../dialects/templar/index.js';
import type { Logger } from '../log.js';
import { DEFAULTS, type ServerOptions } from '../options.js';
import { nodeHttpGet } from '../transport/http-client.js';

/**
 * The dialects served: the given ones, or templar at `/ws/`, rohrpost at `/ws/rohrpost/` and, when the server has
 * `models`, binding at `/ws/binding/`.
 */
export function serverDialects(options: ServerOptions, logger: Logger): readonly Dialect[] {
  if (options.dialects !== undefined) return options.dialects;
  const maxRoomBytes = options.maxRoomBytes ?? DEFAULTS.maxRoomBytes;
  const dialects: Dialect[] = [
    createTemplarDialect({ maxRoomBytes, ...options.templar }),
    createRohrpostDialect({
      onHandlerError: (err, type) => logger.error({ err, type }, 'rohrpost handler failed'),
      maxRoomBytes,
      ...options.rohrpost,
    }),
  ];
  if (options.models !== undefined) {
    dialects.push(
      createBindingDialect({
        onHandlerError: (err, event) => logger.error({ err, event }, 'binding handler failed'),
        maxRoomBytes,
        ...options.binding,
        models: options.models,
      }),
    );
  }
  return dialects;
}

/**
 * The auth strategy: the given one, or the bootstrap proxy when `bootstrap` is set. With neither, nobody is let in:
 * anonymous access is a choice (`auth: createAnonymousAuth(rooms)`), never a default. When roomcast is its own
 * backend (no bootstrap) and has models, each identity may also join the rooms its models allow (`roomsFor`).
 */
export function serverAuth(options: ServerOptions, logger: Logger): AuthStrategy {
  const base = baseAuth(options, logger);
  const models = options.models;
  if (models === undefined || options.bootstrap !== undefined) return base;
  return async (request, signal) => {
    const result = await base(request, signal);
    if (result.kind !== 'allowed') return result;
    const extra = models.roomsFor(result.identity).flatMap((r) => roomOf(r) ?? []);
    if (extra.length === 0) return result;
    return { kind: 'allowed', identity: { ...result.identity, rooms: createRoomMatcher([...result.identity.rooms.allowed, ...extra]) } };
  };
}

function baseAuth(options: ServerOptions, logger: Logger): AuthStrategy {
  if (options.auth !== undefined) return options.auth;
  if (options.bootstrap !== undefined) return createBootstrapAuth({ ...options.bootstrap, httpGet: nodeHttpGet, logger });
  logger.warn({}, 'no auth configured: every connection is refused (set `bootstrap`, or `auth`, e.g. createAnonymousAuth())');
  return async () => ({ kind: 'denied', reason: 'no auth strategy configured' });
}

/** Every connection's limits. */
export function connectionLimits(options: ServerOptions): ConnectionLimits {
  const rate = options.rateLimit ?? DEFAULTS.rateLimit;
  return {
    maxQueueBytes: options.maxQueueBytes ?? DEFAULTS.maxQueueBytes,
    queuePolicy: options.queuePolicy ?? DEFAULTS.queuePolicy,
    messagesPerSecond: rate.perSecond,
    burst: rate.burst,
  };
}
