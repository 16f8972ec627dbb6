/**
 * What a roomcast server offers its app: the {@link RoomcastServer} that `createServer` returns.
 *
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { Stats } from '../core/stats.js';
import type { BindingHandler } from '../dialects/binding/index.js';
import type { RohrpostErrorOptions, RohrpostHandler, RohrpostMessageOptions } from '../dialects/rohrpost/index.js';

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
  /**
   * Sends `{type, data}` (with `id` when `options.id` is given) to one rohrpost connection, on whichever node holds
   * it: rohrpost's `send_message`. `connectionId` is the address a handler saw as `ctx.connectionId`. Keys are
   * left out by the reply rules (an `id` of `0`, a `data` of `{}`, …). Fire-and-forget and at most once: a message
   * for a connection that has closed is dropped by its node (a debug log line there); one for a node that has
   * gone, or sent while Redis is away, is lost.
   * @throws TypeError when `connectionId` is not an address, the message would be empty (`{}`), or `data` cannot
   *   be serialized (a cycle, a BigInt)
   *
   * @example
   * server.handle('export', (ctx, request) => {
   *   ctx.reply({ started: true });
   *   void runExport(request.data).then((url) => server.sendMessage(ctx.connectionId, 'export-done', { url }));
   * });
   */
  sendMessage(connectionId: string, type: string, data?: unknown, options?: RohrpostMessageOptions): void;
  /**
   * Sends `{type?, id?, error, data?}` to one rohrpost connection, on whichever node holds it: rohrpost's
   * `send_error`. Same address, key rules and delivery as {@link sendMessage}.
   * @throws TypeError when `connectionId` is not an address, or the message would be empty (`{}`)
   *
   * @example
   * server.handle('export', (ctx, request) => {
   *   const { connectionId, id, type } = ctx;
   *   void runExport(request.data).catch(() => server.sendError(connectionId, 'EXPORT_FAILED', { type, id }));
   * });
   */
  sendError(connectionId: string, message: string, options?: RohrpostErrorOptions): void;
  /**
   * Handles binding events `<stream>.<action>` (replacing a built-in action of a model's stream): what the handler
   * returns is the reply's `data` (docs/protocols/binding.md, "Your own events").
   * @throws Error when the server runs without the binding dialect (it is served by default when `models` is set)
   * @throws TypeError when `event` is not `<stream>.<action>`
   *
   * @example
   * server.bind('shop.Order.total', async (ctx) => ({ total: await sumOrders(ctx.identity) }));
   */
  bind(event: string, handler: BindingHandler): void;
  /** Graceful shutdown: stop accepting, finish in-flight triggers, close sockets with 1001. Idempotent. */
  close(): Promise<void>;
  /** The underlying fastify instance, for adding routes before `listen`. */
  readonly http: FastifyInstance;
  readonly stats: Stats;
  /** This node's id in the layer. */
  readonly nodeId: string;
  /**
   * The UTF-8 bytes of text this node's connections make it hold for their subscriptions (group names, templar
   * requestIds), counted now: what `maxRoomBytes` and `maxSubscriptions` bound. For tests and admin.
   */
  heldBytes(): number;
}
