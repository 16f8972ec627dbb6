/**
 * The channels-binding dialect at `/ws/binding/`: `{"event": "<app>.<Model>.<action>[#hash]", "data": …}` over an
 * app's models — retrieve, search, list, create, update, save, delete, subscribe, unsubscribe — plus the app's own
 * events (docs/protocols/binding.md). Served by default when the server has `models`.
 *
 * @example
 * const models = createModels(await openStore('sqlite:./app.db'));
 * models.define({ name: 'shop.Order', fields: { id: 'key', total: 'number' } });
 * const server = createServer({ models, auth, binding: { anonymous: false } });
 * server.bind('shop.Order.total', async (ctx, data) => ({ total: await sumOrders(ctx.identity) }));
 * // → {"event": "shop.Order.total", "data": {}}   ← {"event": "shop.Order.total", "data": {"total": 12.5}}
 *
 * @module
 */
import { connectionAddress } from '../../core/address.js';
import type { Envelope } from '../../core/envelope.js';
import type { Identity } from '../../core/identity.js';
import { CHANGE_EVENT, changeOf } from '../../models/changes.js';
import { ModelError } from '../../models/errors.js';
import type { Models } from '../../models/index.js';
import type { Model } from '../../models/model.js';
import { CloseCode } from '../../wire/close-codes.js';
import { quoted } from '../../wire/quote.js';
import { DEFAULT_MAX_ROOM_BYTES, type Dialect, type Handler, type Session } from '../dialect.js';
import { MODEL_ACTIONS, optionalKeyOf, subscriptionReply, type ActionRequest } from './actions.js';
import { renderChange } from './change.js';
import { BindingErrorCode, decodeBinding, parseEvent, renderError, renderReply, type BindingData, type BindingRequest } from './codec.js';
import { Subscriptions } from './subscriptions.js';

export { BindingErrorCode, type BindingData } from './codec.js';

/** What an app's event handler can do with the request it handles. */
export interface BindingContext {
  /** The event as received (hash included), echoed by `reply`. */
  readonly event: string;
  readonly stream: string;
  readonly action: string;
  /** Everything after the first `#`, trimmed, or `undefined`. */
  readonly hash: string | undefined;
  readonly identity: Identity;
  /** The connection's address, `<node id>/<connection id>`: pass it as `origin` to model writes. */
  readonly connectionId: string;
  /** The model named by the stream, if there is one. */
  readonly model: Model | undefined;
  /** Sends `{"event": <event>, "data": data}` (for more than the one reply a return value makes). */
  reply(data: unknown): void;
  /** Sends `{"event": event, "data": data}` under another event. */
  send(event: string, data: unknown): void;
  /** Sends `{"event": <event>, "error": message, "code": "invalid"}`. */
  error(message: string): void;
}

/**
 * Handles one `<stream>.<action>` event. What it returns (unless `undefined`) is the reply's `data`; a thrown
 * `ModelError` is answered as an error of its code, anything else as `"Internal server error"`.
 */
export type BindingHandler = (ctx: BindingContext, data: BindingData) => unknown;

/** Options of {@link createBindingDialect}. */
export interface BindingOptions {
  /** The models served: each `<app>.<Model>` name is a stream. */
  readonly models: Models;
  /** @default '/ws/binding/' */
  readonly path?: string;
  /**
   * Let in connections whose identity has no user (`user: null`). Otherwise they get
   * `{"error": "Anonymous connections are not allowed", "code": "unauthorized"}` and close 4001. @default false
   */
  readonly anonymous?: boolean;
  /** Streams and objects one connection may subscribe to. @default 10000 */
  readonly maxSubscriptions?: number;
  /**
   * The longest key (UTF-8 bytes of its text) of an object a connection may subscribe to: the server holds it while
   * subscribed. Retrieving, updating or deleting by a longer key is not limited by this. @default 1024
   */
  readonly maxRoomBytes?: number;
  /**
   * Subscribe a connection to a model's stream when it first uses the stream (any built-in action or app event
   * on it except subscribe/unsubscribe), as channels-binding does ("auto channels subscribing groups of
   * interest"): its JS client's `useRetrieve` gets live updates only so. Only a connection that may read some
   * of the model joins; an explicit `unsubscribe` of the stream stops it until the next explicit `subscribe`; a
   * connection at `maxSubscriptions` joins nothing more. `false`: connections join only what they subscribe to.
   * @default true
   */
  readonly autoSubscribe?: boolean;
  /** Where handler failures are reported (the client only learns "Internal server error"). */
  readonly onHandlerError?: (err: unknown, event: string) => void;
}

/** The binding dialect, with its registry of app events. */
export interface BindingDialect extends Dialect {
  /**
   * Handles `<stream>.<action>` (replacing a built-in action of a model's stream, or an earlier handler).
   * @throws TypeError when `event` is not `<stream>.<action>` (no `#`)
   */
  on(event: string, handler: BindingHandler): void;
}

/** What every connection of the dialect shares: one object. */
interface Shared {
  readonly models: Models;
  readonly handlers: ReadonlyMap<string, BindingHandler>;
  readonly maxSubscriptions: number;
  readonly maxRoomBytes: number;
  readonly autoSubscribe: boolean;
  readonly onHandlerError: ((err: unknown, event: string) => void) | undefined;
}

const ANONYMOUS = renderError(undefined, 'Anonymous connections are not allowed', BindingErrorCode.Unauthorized);
const DENIED = renderError(undefined, 'Not authorized', BindingErrorCode.Unauthorized);
const RATE_LIMITED = renderError(undefined, 'Rate limit exceeded', BindingErrorCode.RateLimited);

/** Whether the model's read rule lets `identity` read any of it. */
const mayRead = (model: Model, identity: Identity): boolean => model.definition.readFilter(identity) !== false;

/** The handler of a connection closed at open: frames that slip in before the close are ignored. */
const IGNORED: Handler = { message() {}, rateLimited() {}, closed() {} };

class BindingConnection implements Handler {
  readonly #session: Session;
  readonly #shared: Shared;
  #subscriptions: Subscriptions | undefined;
  /** Streams this connection unsubscribed from explicitly: not joined again implicitly. */
  #declined: Set<string> | undefined;
  /**
   * Streams whose read rule lets this connection read nothing: not asked again on every frame. Kept for the
   * connection's life, as its identity is (Session.identity is fixed at the upgrade).
   */
  #unreadable: Set<string> | undefined;
  #closed = false;

  constructor(session: Session, shared: Shared) {
    this.#session = session;
    this.#shared = shared;
  }

  async message(frame: string): Promise<void> {
    // Frames queued behind a slow one may run after the socket closed: nobody is left to answer.
    if (this.#closed) return;
    const cmd = decodeBinding(frame);
    if (cmd.kind === 'error') {
      this.#session.send(cmd.reply);
      return;
    }
    let reply: string | undefined;
    try {
      reply = await this.#dispatch(cmd);
    } catch (err) {
      reply = this.#failure(cmd.event, err);
    }
    if (reply !== undefined) this.#session.send(reply);
  }

  async #dispatch(cmd: BindingRequest): Promise<string | undefined> {
    const session = this.#session;
    const name = `${cmd.stream}.${cmd.action}`;
    const model = this.#shared.models.get(cmd.stream);
    const handler = this.#shared.handlers.get(name);
    const subscription = cmd.action === 'subscribe' || cmd.action === 'unsubscribe';
    // channels-binding joins the stream's group before the handler runs, so the request's own change reaches it.
    if (model !== undefined && !subscription && (handler !== undefined || MODEL_ACTIONS.has(cmd.action))) this.#autoSubscribe(model);
    if (handler !== undefined) {
      const ctx: BindingContext = {
        event: cmd.event,
        stream: cmd.stream,
        action: cmd.action,
        hash: cmd.hash,
        identity: session.identity,
        connectionId: connectionAddress(session.server.nodeId, session.id),
        model,
        reply: (data) => void session.send(this.#reply(cmd.event, data)),
        send: (event, data) => void session.send(this.#reply(event, data)),
        error: (message) => void session.send(renderError(cmd.event, message, BindingErrorCode.Invalid)),
      };
      const data: unknown = await handler(ctx, cmd.data);
      return data === undefined ? undefined : this.#reply(cmd.event, data);
    }
    const action = MODEL_ACTIONS.get(cmd.action);
    if (model === undefined || (action === undefined && !subscription)) {
      // The event is echoed whole (it is how a client matches the error to its request) and quoted in part.
      return renderError(cmd.event, `No binding found for ${quoted(cmd.event)}`, BindingErrorCode.NoBinding);
    }
    const request: ActionRequest = {
      model,
      name,
      hash: cmd.hash,
      data: cmd.data,
      read: { as: session.identity },
      // Built per write rather than stored per connection: an idle connection carries no extra string.
      write: { as: session.identity, origin: connectionAddress(session.server.nodeId, session.id) },
    };
    if (action !== undefined) return this.#reply(cmd.event, await action(request));
    return this.#subscription(cmd.event, request, cmd.action === 'subscribe');
  }

  /** subscribe/unsubscribe a stream, or (with a key) one object of it. */
  #subscription(event: string, request: ActionRequest, subscribe: boolean): string | undefined {
    // A membership taken after close would never be left (the connection's cleanup has run).
    if (this.#closed) return undefined;
    const key = optionalKeyOf(request);
    const stream = request.model.name;
    const subs = (this.#subscriptions ??= new Subscriptions(this.#session));
    if (!subscribe) {
      subs.unsubscribe(stream, key);
      if (key === undefined) (this.#declined ??= new Set()).add(stream);
      return this.#reply(event, subscriptionReply(request, key, false));
    }
    const { maxSubscriptions: max, maxRoomBytes } = this.#shared;
    if (key !== undefined && Buffer.byteLength(String(key)) > maxRoomBytes) {
      return renderError(event, `The key is too long to subscribe to (at most ${maxRoomBytes} bytes)`, BindingErrorCode.KeyTooLarge);
    }
    if (!subs.has(stream, key) && subs.size >= max) {
      return renderError(event, `Too many subscriptions (at most ${max} per connection)`, BindingErrorCode.TooManySubscriptions);
    }
    subs.subscribe(stream, key);
    if (key === undefined) this.#declined?.delete(stream);
    return this.#reply(event, subscriptionReply(request, key, true));
  }

  /** Joins the stream as channels-binding does on first use, unless declined, full, or nothing of it is readable. */
  #autoSubscribe(model: Model): void {
    if (!this.#shared.autoSubscribe || this.#closed || this.#declined?.has(model.name) === true) return;
    const subs = (this.#subscriptions ??= new Subscriptions(this.#session));
    if (subs.has(model.name) || subs.size >= this.#shared.maxSubscriptions || this.#unreadable?.has(model.name) === true) return;
    if (!mayRead(model, this.#session.identity)) {
      (this.#unreadable ??= new Set()).add(model.name);
      return;
    }
    subs.subscribe(model.name);
  }

  #reply(event: string, data: unknown): string {
    return renderReply(event, data) ?? this.#failure(event, new TypeError(`the reply to ${event} is not JSON-serializable`));
  }

  #failure(event: string, err: unknown): string {
    if (err instanceof ModelError) return renderError(event, err.message, err.code, err.details);
    this.#shared.onHandlerError?.(err, event);
    return renderError(event, 'Internal server error', BindingErrorCode.Internal);
  }

  rateLimited(): void {
    this.#session.send(RATE_LIMITED);
  }

  closed(): void {
    this.#closed = true;
    this.#subscriptions?.clear();
    this.#subscriptions = undefined;
    this.#declined = undefined;
  }
}

/** Creates the binding dialect over `options.models`. */
export function createBindingDialect(options: BindingOptions): BindingDialect {
  const handlers = new Map<string, BindingHandler>();
  const shared: Shared = {
    models: options.models,
    handlers,
    maxSubscriptions: options.maxSubscriptions ?? 10_000,
    maxRoomBytes: options.maxRoomBytes ?? DEFAULT_MAX_ROOM_BYTES,
    autoSubscribe: options.autoSubscribe ?? true,
    onHandlerError: options.onHandlerError,
  };
  const anonymous = options.anonymous ?? false;
  return {
    name: 'binding',
    path: options.path ?? '/ws/binding/',
    on(event, handler) {
      const { stream, action } = parseEvent(event);
      if (stream === '' || action === '' || event.includes('#') || event.trim() !== event) {
        throw new TypeError(`binding event ${JSON.stringify(event)} must be <stream>.<action>, e.g. "shop.Order.total"`);
      }
      handlers.set(event, handler);
    },
    open(session) {
      // Auth ran before the upgrade; anonymity is this dialect's own rule, so it is told over the open socket.
      if (!anonymous && (session.identity.user === null || session.identity.user === undefined)) {
        session.send(ANONYMOUS);
        session.close(CloseCode.Unauthorized, 'anonymous connections are not allowed');
        return IGNORED;
      }
      return new BindingConnection(session, shared);
    },
    deny() {
      return { frame: DENIED, code: CloseCode.Unauthorized, reason: 'not authorized' };
    },
    render(envelope: Envelope) {
      if (envelope.event !== CHANGE_EVENT) return undefined;
      const change = changeOf(envelope);
      if (change === undefined) return undefined;
      return Buffer.from(renderChange(change, options.models.get(change.model)?.definition.key ?? 'id'));
    },
  };
}
