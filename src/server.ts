/**
 * `createServer`: wires transport, hub, layer, auth and dialects into one server on one port. The parts live in
 * `server/` (API, defaults, health, sweep, rohrpost methods, shutdown) and `transport/` (routes, upgrade, sockets).
 *
 * @example
 * import { createServer } from 'roomcast';
 * const server = createServer({ bootstrap: { apiUrl: 'http://127.0.0.1:8000/api/' }, trigger: { secret: 's3cret' } });
 * await server.listen();
 * server.publish([{ location: 'Delft' }], { id: 7 });
 *
 * @module
 */
import Fastify from 'fastify';
import type { ConnectionEnv } from './core/connection.js';
import { createDirectDelivery } from './core/direct.js';
import type { Envelope } from './core/envelope.js';
import { Hub } from './core/hub.js';
import { Registry } from './core/registry.js';
import { createStats } from './core/stats.js';
import type { ServerView } from './dialects/dialect.js';
import { createMemoryLayer } from './layers/memory.js';
import { silentLogger } from './log.js';
import { DEFAULTS, MAX_FRAME_BYTES_LIMIT, type ServerOptions } from './options.js';
import { roomGroup, roomOf, type Room } from './rooms/room.js';
import type { RoomcastServer } from './server/api.js';
import { connectionLimits, serverAuth, serverDialects } from './server/defaults.js';
import { healthReport } from './server/health.js';
import { createBindingApi } from './server/binding.js';
import { attachModels } from './server/models.js';
import { createRohrpostApi } from './server/rohrpost.js';
import { shutdown } from './server/shutdown.js';
import { startSweeping } from './server/sweep.js';
import type { AmqpTriggerSource } from './triggers/amqp.js';
import { createTriggerConsumer } from './triggers/consume.js';
import type { Trigger } from './triggers/decode.js';
import { createMetrics } from './transport/metrics.js';
import { createOpenHandler } from './transport/open.js';
import { registerRestRoutes } from './rest/routes.js';
import { registerRoutes } from './transport/routes.js';
import { createTriggerEndpoint } from './transport/trigger-endpoint.js';
import { httpDeadlines, triggerFirst } from './transport/http-server.js';
import { createUpgradeHandler, routeKey } from './transport/upgrade.js';

export type { RoomcastServer, ServerAddress } from './server/api.js';

/** Creates a server. Nothing listens until {@link RoomcastServer.listen}. */
export function createServer(options: ServerOptions = {}): RoomcastServer {
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULTS.maxFrameBytes;
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 125 || maxFrameBytes > MAX_FRAME_BYTES_LIMIT) {
    throw new RangeError(`maxFrameBytes must be an integer from 125 to ${MAX_FRAME_BYTES_LIMIT}, got ${maxFrameBytes}`);
  }
  const deadlines = httpDeadlines(options);
  const logger = options.logger ?? silentLogger;
  const layer = options.layer ?? createMemoryLayer();
  const nodeId = layer.nodeId;
  const dialects = serverDialects(options, logger);
  const stats = createStats();
  const registry = new Registry();
  const hub = new Hub(layer, new Map(dialects.map((d) => [d.name, (e: Envelope) => d.render(e)])));
  const direct = createDirectDelivery({ nodeId, registry, layer, logger });
  const view: ServerView = {
    nodeId,
    connections: (dialect) => registry.count(dialect),
    groups: (prefix) => hub.countGroups(prefix),
    queuedBytes: (dialect) => registry.queuedBytes(dialect),
    layer: () => layer.status(),
    stats,
  };
  if (options.models !== undefined) attachModels(options.models, hub, nodeId, logger);
  const env: ConnectionEnv = { hub, registry, limits: connectionLimits(options), stats, view, logger };
  const inflight = { count: 0 };
  let amqp: AmqpTriggerSource | undefined;
  let closing: Promise<void> | undefined;

  // Every source (HTTP, AMQP, server.publish) ends here: one envelope, data serialized once.
  const publishToRooms = (rooms: readonly Room[], data: string): void => {
    hub.publish({ groups: rooms.map(roomGroup), event: 'publish', data, origin: nodeId });
  };
  const publishTrigger = (trigger: Trigger): void => publishToRooms(trigger.rooms, trigger.data);

  const trigger = createTriggerEndpoint({
    path: options.trigger?.path ?? DEFAULTS.triggerPath,
    auth: options.trigger ?? {},
    allowOrigins: options.allowOrigins,
    maxBytes: options.trigger?.maxBytes ?? DEFAULTS.maxTriggerBytes,
    publish: (t) => {
      stats.httpTriggers++;
      publishTrigger(t);
    },
    isClosing: () => closing !== undefined,
    inflight,
    logger,
  });
  const app = Fastify({ logger: false, forceCloseConnections: 'idle', serverFactory: triggerFirst(trigger, deadlines) });
  const auth = serverAuth(options, logger);
  app.server.on(
    'upgrade',
    createUpgradeHandler({
      maxFrameBytes,
      routes: new Map(dialects.map((d) => [routeKey(d.path), d])),
      auth,
      allowOrigins: options.allowOrigins,
      logger,
      isClosing: () => closing !== undefined,
      opened: createOpenHandler(env),
    }),
  );

  const ready = (async () => {
    registerRoutes(app, {
      health: () =>
        healthReport({
          node: nodeId,
          closing: closing !== undefined,
          connections: registry.count(),
          layer: layer.status(),
          amqp: amqp?.status(),
        }),
      metrics: createMetrics({
        stats,
        connections: () => registry.count(),
        groups: () => hub.countGroups(),
        queuedBytes: () => registry.queuedBytes(),
        layerUp: () => layer.status().ok,
        layerCounters: () => layer.stats,
      }),
    });
    const rest = options.rest;
    if (options.models !== undefined && rest !== false) {
      // REST requests are authenticated by the same strategy as upgrades: same credentials, same identity.
      await registerRestRoutes(app, {
        models: options.models,
        auth,
        prefix: rest?.prefix ?? DEFAULTS.restPrefix,
        allowOrigins: options.allowOrigins,
        maxBodyBytes: rest?.maxBodyBytes ?? DEFAULTS.maxRestBodyBytes,
        authParams: rest?.authParams ?? DEFAULTS.restAuthParams,
        logger,
      });
    }
    if (options.routes !== undefined) await options.routes(app);
  })();
  // Surface registration errors from listen(), not as an unhandled rejection.
  ready.catch(() => {});

  return {
    http: app,
    stats,
    nodeId,
    ...createRohrpostApi({ dialects, hub, direct, nodeId }),
    ...createBindingApi(dialects),
    heldBytes: () => registry.heldBytes(),

    async listen() {
      await ready;
      await layer.attach({ deliver: (envelope) => hub.deliver(envelope), direct: (message) => direct.receive(message) });
      const host = options.host ?? DEFAULTS.host;
      await app.listen({ port: options.port ?? DEFAULTS.port, host });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? DEFAULTS.port);
      startSweeping(registry, options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs);
      if (options.amqp !== undefined) {
        amqp = await createTriggerConsumer(options.amqp, { logger, stats, publish: publishTrigger });
        amqp.start();
      }
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      logger.info({ url, node: nodeId, dialects: dialects.map((d) => `${d.name} ${d.path}`) }, 'roomcast listening');
      return { host, port, url };
    },

    publish(rooms, data) {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError('data is not JSON-serializable');
      const parsed = rooms.map((r) => {
        const room = roomOf(r);
        if (room === undefined) throw new TypeError(`not a room: ${JSON.stringify(r)}`);
        return room;
      });
      publishToRooms(parsed, text);
    },

    close() {
      const graceMs = options.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs;
      options.models?.attach(undefined);
      closing ??= shutdown({ http: app, registry, layer, amqp, inflight, graceMs, logger });
      return closing;
    },
  };
}
