/**
 * The rohrpost dialect at `/ws/rohrpost/`: the `{id, type, data}` request/response envelope of rohrpost and
 * rohrpost.js, with a handler per message type (docs/protocols/rohrpost.md).
 *
 * @example
 * const rohrpost = createRohrpostDialect();
 * rohrpost.handle('echo', (ctx, request) => ctx.reply(request.data));
 * createServer({ dialects: [createTemplarDialect(), rohrpost] });
 *
 * @module
 */
import { connectionAddress } from '../../core/address.js';
import type { Membership } from '../../core/connection.js';
import type { Envelope } from '../../core/envelope.js';
import { CHANGE_EVENT, changeOf } from '../../models/changes.js';
import { renderChange } from './change.js';
import type { Identity } from '../../core/identity.js';
import { toRoom } from '../../rooms/room.js';
import { CloseCode } from '../../wire/close-codes.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../wire/json.js';
import { quoted } from '../../wire/quote.js';
import { DEFAULT_MAX_ROOM_BYTES, type Dialect, type Handler, type Session } from '../dialect.js';
import { createAuthJwtChecker, type AuthJwtCheck, type AuthJwtChecker, type RohrpostAuthJwt } from './auth-jwt.js';
import { decodeRohrpost, renderPong, renderPush, renderReply, RohrpostError, serialized } from './codec.js';

export type { RohrpostAuthJwt } from './auth-jwt.js';

/** What a handler can do with the request it handles. */
export interface RohrpostContext {
  /**
   * The connection's address, `<node id>/<connection id>` (e.g. `a1b2…/3b241101-e2bb-4255-8caf-4136c566a962`):
   * it names the node holding the connection, so app code on any node can later reach this client with
   * `server.sendMessage(connectionId, …)` or `server.sendError(connectionId, …)`. Treat it as opaque; it is
   * valid until the connection closes.
   */
  readonly connectionId: string;
  readonly identity: Identity;
  /** The request's id, echoed in replies. */
  readonly id: JsonValue;
  /** The request's type, echoed in replies. */
  readonly type: string;
  /** The verified claims of the request's `auth_jwt`; `undefined` without `authJwt` or for an exempt type. */
  readonly claims: JsonObject | undefined;
  /** Replies `{id, type, data}` (keys Python finds falsy are left out, as rohrpost does). */
  reply(data?: unknown): void;
  /** Replies `{id, type, error, data}`. */
  error(message: string, data?: unknown): void;
  /** Sends a message of another type, without id. */
  send(type: string, data?: unknown): void;
  /** Sends a frame already rendered as JSON text. */
  sendRaw(text: string): void;
  /**
   * Joins a group (idempotent); group pushes reach it on every node. `false` when the connection cannot: the name is
   * longer than `maxRoomBytes`, or the connection is in `maxSubscriptions` groups already.
   */
  join(group: string): boolean;
  /** Leaves a group (idempotent). */
  leave(group: string): void;
}

/** Handles one request type. It may be async; a throw becomes an error reply, never a closed connection. */
export type RohrpostHandler = (ctx: RohrpostContext, request: JsonObject) => void | Promise<void>;

/** Options of `server.sendMessage`. */
export interface RohrpostMessageOptions {
  /** The message's `id` (left out when Python finds it falsy, as in replies). @default none */
  readonly id?: JsonValue;
}

/** Options of `server.sendError`. */
export interface RohrpostErrorOptions {
  /** The message's `type`, e.g. the type of the request it answers. @default none */
  readonly type?: string;
  /** The message's `id`, e.g. the id of the request it answers. @default none */
  readonly id?: JsonValue;
  /** Data sent alongside the error. @default none */
  readonly data?: unknown;
}

/** A subscription target as rohrpost.js sends it: `{"type": "collection", "id": 52}`. */
export interface SubscriptionTarget {
  readonly type: string;
  readonly id: string | number;
}

/** Options of {@link createRohrpostDialect}. */
export interface RohrpostOptions {
  /** @default '/ws/rohrpost/' */
  readonly path?: string;
  /**
   * Who may subscribe to what; `claims` are the request's verified `auth_jwt` claims (with `authJwt`). @default the
   * connection's allowed rooms: `{type, id}` must be allowed as a room (e.g. bootstrap
   * `allowed_rooms: [{"type": "collection", "id": "*"}]`), whatever the claims say.
   */
  readonly canSubscribe?: (
    identity: Identity,
    target: SubscriptionTarget,
    request: JsonObject,
    claims: JsonObject | undefined,
  ) => boolean | Promise<boolean>;
  /**
   * Verify each request's `auth_jwt` before its handler runs (ping exempt): a missing or refused token is answered
   * `{"id", "type", "error": "Invalid or expired token.", "data": {"reason": …}}` and the connection stays open.
   * @default off: `auth_jwt` reaches handlers unchecked, in the request
   */
  readonly authJwt?: RohrpostAuthJwt;
  /** Put a failing handler's message in the error reply (development only). @default false */
  readonly exposeErrors?: boolean;
  /** Where handler failures are reported. */
  readonly onHandlerError?: (err: unknown, type: string) => void;
  /** Groups one connection may be in (the built-in subscribe's and app handlers' `join` alike). @default 10000 */
  readonly maxSubscriptions?: number;
  /**
   * The longest group name (UTF-8 bytes) a connection may join: the server holds it while the connection is in the
   * group. rohrpost's groups are short: `collection-52`. @default 1024
   */
  readonly maxRoomBytes?: number;
}

/** The options every connection shares, resolved. */
interface Resolved extends RohrpostOptions {
  readonly maxSubscriptions: number;
  readonly maxRoomBytes: number;
}

/** The rohrpost dialect, with its handler registry. */
export interface RohrpostDialect extends Dialect {
  /** Registers the handler of a message type (replacing a built-in one, or an earlier registration). */
  handle(type: string, handler: RohrpostHandler): void;
}

/** The hub group of a rohrpost group name. */
export const rohrpostGroup = (name: string): string => `rp:${name}`;

class RohrpostConnection implements Handler {
  readonly #session: Session;
  readonly #handlers: ReadonlyMap<string, RohrpostHandler>;
  readonly #options: Resolved;
  readonly #checkToken: AuthJwtChecker | undefined;
  #groups: Map<string, Membership> | undefined;

  constructor(session: Session, handlers: ReadonlyMap<string, RohrpostHandler>, options: Resolved, checkToken: AuthJwtChecker | undefined) {
    this.#session = session;
    this.#handlers = handlers;
    this.#options = options;
    this.#checkToken = checkToken;
  }

  async message(frame: string): Promise<void> {
    const session = this.#session;
    const cmd = decodeRohrpost(frame);
    if (cmd.kind === 'error') {
      session.send(cmd.reply);
      return;
    }
    const { type, id, request } = cmd;
    const handler = this.#handlers.get(type);
    if (handler === undefined) {
      session.send(renderReply({ id, type, error: `Unknown message type '${quoted(type)}'.` }));
      return;
    }
    let claims: JsonObject | undefined;
    if (this.#checkToken !== undefined) {
      const checked = await this.#checkToken(type, request).catch((err: unknown): AuthJwtCheck => {
        this.#options.onHandlerError?.(err, type);
        return { error: RohrpostError.AuthUnavailable };
      });
      if ('error' in checked) {
        session.send(renderReply({ id, type, error: checked.error, ...(checked.reason !== undefined ? { data: { reason: checked.reason } } : {}) }));
        return;
      }
      claims = checked.claims;
    }
    const ctx: RohrpostContext = {
      // Built per request rather than stored per connection: an idle connection carries no extra string.
      connectionId: connectionAddress(session.server.nodeId, session.id),
      identity: session.identity,
      id,
      type,
      claims,
      reply: (data) => void session.send(renderReply({ id, type, data: serialized(data) })),
      error: (message, data) => void session.send(renderReply({ id, type, error: message, data: serialized(data) })),
      send: (other, data) => void session.send(renderPush(other, data)),
      sendRaw: (text) => void session.send(text),
      join: (group) => this.join(group),
      leave: (group) => this.leave(group),
    };
    try {
      await handler(ctx, request);
    } catch (err) {
      this.#options.onHandlerError?.(err, type);
      const message = this.#options.exposeErrors === true && err instanceof Error ? err.message : 'Internal server error.';
      session.send(renderReply({ id, type, error: message }));
    }
  }

  join(group: string): boolean {
    const groups = (this.#groups ??= new Map());
    if (groups.has(group)) return true;
    if (groups.size >= this.#options.maxSubscriptions || Buffer.byteLength(group) > this.#options.maxRoomBytes) return false;
    groups.set(group, this.#session.join(rohrpostGroup(group)));
    return true;
  }

  leave(group: string): boolean {
    const membership = this.#groups?.get(group);
    if (membership === undefined) return false;
    this.#session.leave(membership);
    this.#groups?.delete(group);
    return true;
  }

  rateLimited(): void {
    this.#session.send(renderReply({ error: 'Rate limit exceeded.' }));
  }

  closed(): void {
    this.#groups = undefined;
  }
}

/** `{"type": …, "id": …}` of a subscribe/unsubscribe request, or `undefined`. */
function targetOf(request: JsonObject): SubscriptionTarget | undefined {
  const data = request.data;
  if (!isJsonObject(data)) return undefined;
  const { type, id } = data;
  if (typeof type !== 'string' || type === '' || (typeof id !== 'string' && typeof id !== 'number')) return undefined;
  return { type, id };
}

const INVALID_TARGET = 'Invalid subscription: data must be {"type": <string>, "id": <string or number>}.';
const groupTooLarge = (max: number): string => `Invalid subscription: the group name is longer than ${max} bytes.`;
const tooManySubscriptions = (max: number): string => `Too many subscriptions (at most ${max} per connection).`;

/** Creates the rohrpost dialect with its built-in `ping`, `subscribe` and `unsubscribe` handlers. */
export function createRohrpostDialect(options: RohrpostOptions = {}): RohrpostDialect {
  const handlers = new Map<string, RohrpostHandler>();
  const maxSubscriptions = options.maxSubscriptions ?? 10_000;
  const maxRoomBytes = options.maxRoomBytes ?? DEFAULT_MAX_ROOM_BYTES;
  const checkToken = options.authJwt === undefined ? undefined : createAuthJwtChecker(options.authJwt);
  const canSubscribe =
    options.canSubscribe ??
    ((identity: Identity, target: SubscriptionTarget) => {
      const room = toRoom({ type: target.type, id: target.id } as JsonObject);
      return room !== undefined && identity.rooms.allows(room);
    });

  // One object for every connection.
  const resolved: Resolved = { ...options, canSubscribe, maxSubscriptions, maxRoomBytes };

  handlers.set('ping', (ctx, request) => ctx.sendRaw(renderPong(request, ctx.id)));
  handlers.set('subscribe', async (ctx, request) => {
    const target = targetOf(request);
    if (target === undefined) return ctx.error(INVALID_TARGET);
    const group = `${target.type}-${target.id}`;
    // Before the permission check, which may ask a backend: the size alone decides.
    if (Buffer.byteLength(group) > maxRoomBytes) return ctx.error(groupTooLarge(maxRoomBytes));
    if (!(await canSubscribe(ctx.identity, target, request, ctx.claims))) return ctx.error('ACCESS_DENIED');
    if (!ctx.join(group)) return ctx.error(tooManySubscriptions(maxSubscriptions));
    ctx.reply({ group });
  });
  handlers.set('unsubscribe', (ctx, request) => {
    const target = targetOf(request);
    if (target === undefined) return ctx.error(INVALID_TARGET);
    ctx.leave(`${target.type}-${target.id}`);
    // No data: rohrpost.js resolves unsubscribe() with the reply's data, and its own suite expects none.
    ctx.reply();
  });

  return {
    name: 'rohrpost',
    path: options.path ?? '/ws/rohrpost/',
    handle(type, handler) {
      handlers.set(type, handler);
    },
    open(session) {
      return new RohrpostConnection(session, handlers, resolved, checkToken);
    },
    deny() {
      return { code: CloseCode.Unauthorized, reason: 'not authorized' };
    },
    render(envelope: Envelope) {
      if (envelope.event === CHANGE_EVENT) {
        const change = changeOf(envelope);
        return change === undefined ? undefined : Buffer.from(renderChange(change));
      }
      return envelope.event === 'rohrpost' ? Buffer.from(envelope.data) : undefined;
    },
  };
}
