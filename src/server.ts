/**
 * `createServer`: wires transport, hub, layer, auth and dialects into one server on one port.
 *
 * @example
 * import { createServer } from 'roomcast';
 * const server = createServer({ bootstrap: { apiUrl: 'http://127.0.0.1:8000/api/' }, trigger: { secret: 's3cret' } });
 * await server.listen();
 * server.publish([{ location: 'Delft' }], { id: 7 });
 *
 * @module
 */
import { newId } from './core/id.js';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import { createAnonymousAuth } from './auth/anonymous.js';
import { createBootstrapAuth } from './auth/bootstrap.js';
import type { AuthResult, UpgradeRequest } from './auth/strategy.js';
import { Connection, type ConnectionEnv } from './core/connection.js';
import type { Envelope } from './core/envelope.js';
import { Hub, type Renderer } from './core/hub.js';
import { Registry } from './core/registry.js';
import { createStats, type Stats } from './core/stats.js';
import type { Dialect, ServerView } from './dialects/dialect.js';
import { createTemplarDialect } from './dialects/templar/index.js';
import { createRohrpostDialect, renderPush, rohrpostGroup, type RohrpostDialect, type RohrpostHandler } from './dialects/rohrpost/index.js';
import type { Layer } from './layers/layer.js';
import { createMemoryLayer } from './layers/memory.js';
import { redactUrl, silentLogger } from './log.js';
import { DEFAULTS, type ServerOptions } from './options.js';
import { roomGroup, toRoom, type Room } from './rooms/room.js';
import type { AmqpTriggerSource } from './triggers/amqp.js';
import { decodeTrigger, type Trigger } from './triggers/decode.js';
import { nodeHttpGet } from './transport/http-client.js';
import { createMetrics } from './transport/metrics.js';
import { registerRoutes } from './transport/routes.js';
import { createUpgradeHandler, routeKey } from './transport/upgrade.js';
import { RoomcastWebSocket } from './transport/ws-socket.js';
import { CloseCode } from './wire/close-codes.js';
import type { JsonValue } from './wire/json.js';

/** ws's WebSocket with a slot for its connection, declared so it lives inside the object (no extra store). */
class SocketWithConnection extends WebSocket {
  connection: Connection | undefined = undefined;
}

// Module-level listeners, called with the socket as `this`: no closure per connection.
// Every socket of this server is a SocketWithConnection (the WebSocketServer's `WebSocket` option).
function onSocketMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  // Binary frames are read as UTF-8 text, as high-templar did (dossier §1.4).
  (this as SocketWithConnection).connection?.receive(isBinary ? data.toString('utf8') : data.toString(), Date.now());
}
function onSocketClose(this: WebSocket): void {
  (this as SocketWithConnection).connection?.closed();
}
function onSocketError(): void {
  // ws closes the socket after an error (bad frame, reset); the close listener cleans up.
}

/** Where a listening server can be reached. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
}

/** A roomcast server. */
export interface RoomcastServer {
  /** Starts listening (and consuming AMQP triggers, if configured). */
  listen(): Promise<ServerAddress>;
  /**
   * Publishes `data` to every subscriber of `rooms`, on every node — the in-process twin of a trigger.
   * @throws TypeError when a room is not a flat JSON object or `data` is not JSON-serializable
   */
  publish(rooms: readonly Record<string, unknown>[], data: unknown): void;
  /**
   * Handles rohrpost requests of `type` (replacing a built-in one).
   * @throws Error when the server runs without the rohrpost dialect
   */
  handle(type: string, handler: RohrpostHandler): void;
  /** Sends `{type, data}` to every member of a rohrpost group, on every node. */
  sendToGroup(group: string, type: string, data?: unknown): void;
  /** Graceful shutdown: stop accepting, finish in-flight triggers, close sockets with 1001. Idempotent. */
  close(): Promise<void>;
  /** The underlying fastify instance, for adding routes before `listen`. */
  readonly http: FastifyInstance;
  readonly stats: Stats;
  /** This node's id in the layer. */
  readonly nodeId: string;
}

/** Creates a server. Nothing listens until {@link RoomcastServer.listen}. */
export function createServer(options: ServerOptions = {}): RoomcastServer {
  const logger = options.logger ?? silentLogger;
  const layer: Layer = options.layer ?? createMemoryLayer();
  const dialects: readonly Dialect[] = options.dialects ?? [
    createTemplarDialect(options.templar),
    createRohrpostDialect({
      onHandlerError: (err, type) => logger.error({ err, type }, 'rohrpost handler failed'),
      ...options.rohrpost,
    }),
  ];
  const rohrpost = dialects.find((d): d is RohrpostDialect => d.name === 'rohrpost' && 'handle' in d);
  const auth =
    options.auth ??
    (options.bootstrap !== undefined
      ? createBootstrapAuth({ ...options.bootstrap, httpGet: nodeHttpGet, logger })
      : createAnonymousAuth([]));
  const rate = options.rateLimit ?? DEFAULTS.rateLimit;
  const limits = {
    maxQueueBytes: options.maxQueueBytes ?? DEFAULTS.maxQueueBytes,
    queuePolicy: options.queuePolicy ?? DEFAULTS.queuePolicy,
    messagesPerSecond: rate.perSecond,
    burst: rate.burst,
  };
  const graceMs = options.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs;
  const stats = createStats();
  const registry = new Registry();
  const renderers = new Map<string, Renderer>(dialects.map((d) => [d.name, (e: Envelope) => d.render(e)]));
  const hub = new Hub(layer, renderers);
  const inflight = { count: 0 };
  let closing: Promise<void> | undefined;

  const view: ServerView = {
    connections: (dialect) => registry.count(dialect),
    groups: (prefix) => hub.countGroups(prefix),
    queuedBytes: (dialect) => registry.queuedBytes(dialect),
    layer: () => layer.status(),
    stats,
  };

  // Every source (HTTP, AMQP, server.publish) ends here: one envelope, data serialized once.
  const publishToRooms = (rooms: readonly Room[], data: string): void => {
    hub.publish({ groups: rooms.map(roomGroup), event: 'publish', data, origin: layer.nodeId });
  };
  const publishTrigger = (trigger: Trigger): void => publishToRooms(trigger.rooms, trigger.data);

  let amqp: AmqpTriggerSource | undefined;
  const startAmqp = async (): Promise<void> => {
    if (options.amqp === undefined) return;
    // amqplib is loaded only by servers that consume AMQP.
    const { createAmqpTriggerSource } = await import('./triggers/amqp.js');
    amqp = createAmqpTriggerSource({ ...options.amqp, logger }, (body: string) => {
      stats.amqpReceived++;
      const trigger = decodeTrigger(body);
      // One bad message is dropped alone; its content may be private, so only its size is logged.
      if ('error' in trigger) logger.warn({ error: trigger.error, bytes: body.length }, 'AMQP trigger dropped');
      else publishTrigger(trigger);
    });
    amqp.start();
  };

  const app = Fastify({
    logger: false,
    bodyLimit: options.trigger?.maxBytes ?? DEFAULTS.maxTriggerBytes,
    forceCloseConnections: 'idle',
  });
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: options.maxFrameBytes ?? DEFAULTS.maxFrameBytes,
    WebSocket: RoomcastWebSocket,
  });

  const env: ConnectionEnv = { hub, registry, limits, stats, view, logger };
  const opened = (ws: WebSocket, raw: Duplex, dialect: Dialect, result: Exclude<AuthResult, { kind: 'failed' }>, request: UpgradeRequest): void => {
    ws.on('error', onSocketError);
    if (result.kind === 'denied') {
      logger.info({ url: redactUrl(request.url), reason: result.reason }, 'connection not authorized');
      const denial = dialect.deny();
      if (denial.frame !== undefined) ws.send(denial.frame);
      ws.close(denial.code, denial.reason);
      return;
    }
    const socket = ws as RoomcastWebSocket;
    socket.raw = raw;
    const conn = new Connection(newId(), dialect.name, result.identity, socket, env);
    registry.add(conn);
    conn.handler = dialect.open(conn);
    socket.connection = conn;
    ws.on('message', onSocketMessage);
    ws.on('close', onSocketClose);
  };

  const routes = new Map<string, Dialect>(dialects.map((d) => [routeKey(d.path), d]));
  app.server.on(
    'upgrade',
    createUpgradeHandler({
      wss,
      routes,
      auth,
      allowOrigins: options.allowOrigins,
      logger,
      isClosing: () => closing !== undefined,
      opened,
    }),
  );

  const health = (): { ok: boolean; report: object } => {
    const layerStatus = layer.status();
    const amqpStatus = amqp?.status();
    const ok = closing === undefined && layerStatus.ok;
    return {
      ok,
      report: {
        status: closing !== undefined ? 'shutting-down' : ok ? 'ok' : 'degraded',
        node: layer.nodeId,
        connections: registry.count(),
        layer: layerStatus,
        ...(amqpStatus !== undefined ? { amqp: amqpStatus } : {}),
      },
    };
  };

  const ready = (async () => {
    await registerRoutes(app, {
      triggerPath: options.trigger?.path ?? DEFAULTS.triggerPath,
      triggerAuth: options.trigger ?? {},
      allowOrigins: options.allowOrigins,
      maxTriggerBytes: options.trigger?.maxBytes ?? DEFAULTS.maxTriggerBytes,
      publishTrigger: (trigger) => {
        stats.httpTriggers++;
        publishTrigger(trigger);
      },
      health,
      logger,
      inflight,
      metrics: createMetrics({
        stats,
        connections: () => registry.count(),
        groups: () => hub.countGroups(),
        queuedBytes: () => registry.queuedBytes(),
        layerUp: () => layer.status().ok,
        layerCounters: () => layer.stats,
      }),
    });
    if (options.routes !== undefined) await options.routes(app);
  })();
  // Surface registration errors from listen(), not as an unhandled rejection.
  ready.catch(() => {});

  const shutdown = async (): Promise<void> => {
    registry.stopSweeping();
    await amqp?.stop();
    const stopped = app.close();
    // Triggers already accepted are delivered before the sockets go.
    const deadline = Date.now() + graceMs;
    while (inflight.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const conns = [...registry];
    for (const conn of conns) conn.close(CloseCode.GoingAway, 'server shutting down');
    while (registry.count() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (registry.count() > 0) logger.warn({ remaining: registry.count() }, 'shutdown grace over: destroying sockets');
    app.server.closeAllConnections();
    await stopped;
    wss.close();
    await layer.close();
    logger.info({}, 'roomcast stopped');
  };

  return {
    http: app,
    stats,
    nodeId: layer.nodeId,

    async listen() {
      await ready;
      await layer.attach({
        deliver: (envelope) => hub.deliver(envelope),
        direct: (message) => logger.debug({ kind: message.kind }, 'direct message with no handler'),
      });
      const host = options.host ?? DEFAULTS.host;
      await app.listen({ port: options.port ?? DEFAULTS.port, host });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? DEFAULTS.port);
      // Idle connections close within a tenth of the idle timeout (at most 10 s late); expired credentials
      // within a second.
      const idleMs = options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs;
      registry.sweep(
        Math.max(10, Math.min(1000, idleMs > 0 ? Math.floor(idleMs / 10) : 1000)),
        idleMs,
        (conn) => conn.close(CloseCode.Normal, 'idle timeout'),
        (conn) => conn.close(CloseCode.Forbidden, 'credentials expired'),
      );
      await startAmqp();
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      logger.info({ url, node: layer.nodeId, dialects: dialects.map((d) => `${d.name} ${d.path}`) }, 'roomcast listening');
      return { host, port, url };
    },

    publish(rooms, data) {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError('data is not JSON-serializable');
      const parsed = rooms.map((r) => {
        const room = toRoom(JSON.parse(JSON.stringify(r) ?? 'null') as JsonValue);
        if (room === undefined) throw new TypeError(`not a room: ${JSON.stringify(r)}`);
        return room;
      });
      publishToRooms(parsed, text);
    },

    handle(type, handler) {
      if (rohrpost === undefined) throw new Error('the rohrpost dialect is not served by this server');
      rohrpost.handle(type, handler);
    },

    sendToGroup(group, type, data) {
      hub.publish({ groups: [rohrpostGroup(group)], event: 'rohrpost', data: renderPush(type, data), origin: layer.nodeId });
    },

    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
