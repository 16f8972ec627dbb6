/**
 * The client of roomcast's rohrpost dialect (`/ws/rohrpost/`): requests by id with timeouts, group subscriptions
 * that survive reconnects, pushes, and the reconnect policy of {@link Link}. It speaks rohrpost.js's frames
 * (`{"type","id","auth_jwt","data"}`) and fixes what that client got wrong (docs/client.md): ids are never
 * reused, so a late reply can never settle a newer request; requests made while disconnected wait in a bounded
 * queue; failures are {@link RequestError}s that keep the server's error and data.
 *
 * @example
 * import { RohrpostClient } from 'roomcast/client';
 * const client = new RohrpostClient('wss://example.com/ws/rohrpost/', { token: () => session.jwt });
 * const sub = await client.subscribe({ type: 'collection', id: 52 }, (update) => render(update.data));
 * client.on('missed', () => refetch());
 * const answer = await client.call('echo', { hello: 1 }, { timeoutMs: 2000 });
 *
 * @module
 */
import { CloseCode } from '../wire/close-codes.js';
import { lostRequestError, RequestError } from './errors.js';
import type { CloseInfo, LinkOptions } from './link.js';
import { LinkedClient, type LinkEvents } from './linked.js';
import { Pending } from './requests.js';
import { isPlainObject } from '../wire/json.js';

/** Options of {@link RohrpostClient}. */
export interface RohrpostClientOptions extends LinkOptions {
  /** Sent as `auth_jwt` with every request (not pings), as rohrpost.js does; a function is read per request. */
  readonly token?: string | (() => string | undefined);
  /** Keepalive ping period; a whole period without any frame from the server ends the socket. `0`: no pings. @default 5000 */
  readonly pingIntervalMs?: number;
  /** Default request timeout, counted from the call (time queued offline included). `0`: none. @default 10000 */
  readonly timeoutMs?: number;
  /** Requests kept while disconnected; more are refused with `queue-full`. @default 100 */
  readonly maxQueued?: number;
}

/** Per-request options. */
export interface CallOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A subscription target as rohrpost.js sends it. */
export interface SubscriptionTarget {
  readonly type: string;
  readonly id: string | number;
}

/** A `subscription-update` pushed to a group. */
export interface SubscriptionUpdate {
  readonly group: string;
  /** The whole `data` of the frame (`{type, group, object, updated_fields?}` for model changes). */
  readonly data: Record<string, unknown>;
}

/** A message from the server. */
export interface RohrpostFrame {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly error?: unknown;
  readonly data?: unknown;
  readonly [key: string]: unknown;
}

/** The events of a {@link RohrpostClient}. */
export interface RohrpostEvents extends LinkEvents {
  /** A socket opened; `reconnected` is false the first time. */
  open: { readonly reconnected: boolean };
  /** A socket ended (see `reconnecting`). */
  close: CloseInfo;
  /** The server refused the credentials (4001, 4003); the client stopped. Call `connect()` once they changed. */
  authFailed: { readonly code: number; readonly reason: string };
  /** After a reconnect, these groups were subscribed again: pushes sent while away were missed, refetch. */
  missed: { readonly groups: readonly string[] };
  /** A group could not be subscribed again after a reconnect. */
  subscriptionLost: { readonly group: string; readonly error: RequestError };
  /** A `subscription-update` for a subscribed group. */
  update: SubscriptionUpdate;
  /** Any other message that is not a reply: `sendToGroup`, `sendMessage`. */
  push: { readonly type: string; readonly data: unknown; readonly frame: RohrpostFrame };
  /** An error that answers no pending request (a rate limit, a malformed frame). */
  serverError: { readonly error: unknown; readonly data?: unknown; readonly frame: RohrpostFrame };
  /** Every message, parsed. */
  message: RohrpostFrame;
}

/** A live subscription to one group. */
export interface Subscription {
  /** The group name the server answered with (e.g. `collection-52`). */
  readonly group: string;
  readonly target: SubscriptionTarget;
  /** Stops the updates; tells the server when it was the group's last subscription here. */
  unsubscribe(): Promise<void>;
}

interface GroupEntry {
  readonly target: SubscriptionTarget;
  readonly listeners: Set<(update: SubscriptionUpdate) => void>;
}


export class RohrpostClient extends LinkedClient<RohrpostEvents> {
  readonly #options: RohrpostClientOptions;
  /** The last id used; ids only grow, across reconnects too. */
  #lastId = 0;
  #opens = 0;
  readonly #inflight = new Map<number, Pending>();
  #queue: Pending[] = [];
  readonly #groups = new Map<string, GroupEntry>();

  /** Connects at once; `url` may be a function, read before every (re)connect (e.g. to add a fresh token). */
  constructor(url: string | (() => string | Promise<string>), options: RohrpostClientOptions = {}) {
    super(url, options, options.pingIntervalMs ?? 5000);
    this.#options = options;
    this.connect();
  }

  /** Groups subscribed by this client. */
  get groups(): readonly string[] {
    return [...this.#groups.keys()];
  }

  /**
   * Sends a request and resolves with the reply's `data`; rejects with a {@link RequestError}. Made while
   * disconnected, it waits in the offline queue. It is never re-sent after a reconnect (it may have run).
   */
  call<T = unknown>(type: string, data?: unknown, options: CallOptions = {}): Promise<T> {
    return this.#request<T>(type, data, false, options);
  }

  /** Subscribes to a group; `onUpdate` receives its `subscription-update`s. Re-sent after every reconnect. */
  async subscribe(target: SubscriptionTarget, onUpdate?: (update: SubscriptionUpdate) => void, options: CallOptions = {}): Promise<Subscription> {
    const reply = await this.#request<unknown>('subscribe', target, true, options);
    const group = isPlainObject(reply) && typeof reply.group === 'string' ? reply.group : `${target.type}-${target.id}`;
    let entry = this.#groups.get(group);
    if (entry === undefined) this.#groups.set(group, (entry = { target, listeners: new Set() }));
    const listener = onUpdate ?? (() => {});
    entry.listeners.add(listener);
    return {
      group,
      target,
      unsubscribe: async () => {
        const current = this.#groups.get(group);
        if (current === undefined || !current.listeners.delete(listener) || current.listeners.size > 0) return;
        this.#groups.delete(group);
        if (this.link.state !== 'open') return; // the membership ended with the socket
        try {
          await this.#request('unsubscribe', current.target, false, options);
        } catch (err) {
          // A lost socket took the membership with it.
          if (!(err instanceof RequestError) || (err.code !== 'disconnected' && err.code !== 'closed')) throw err;
        }
      },
    };
  }

  #request<T>(type: string, data: unknown, retry: boolean, options: CallOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (options.signal?.aborted === true) return reject(new RequestError('aborted', type, `${type}: aborted`));
      if (this.link.state === 'stopped') return reject(new RequestError('closed', type, `${type}: the client is closed`));
      const pending = new Pending<T>(type, data, retry, options.timeoutMs ?? this.#options.timeoutMs ?? 10_000, options.signal, resolve, reject, (p) =>
        this.#forget(p as Pending),
      );
      if (this.#transmit(pending as Pending)) return;
      if (this.#queue.length >= (this.#options.maxQueued ?? 100)) {
        pending.fail(new RequestError('queue-full', type, `${type}: disconnected and the offline queue is full`));
        return;
      }
      this.#queue.push(pending as Pending);
    });
  }

  /** Sends now if open, under a new id. */
  #transmit(pending: Pending): boolean {
    if (this.link.state !== 'open') return false;
    const id = ++this.#lastId;
    pending.wireId = id;
    this.#inflight.set(id, pending);
    const token = typeof this.#options.token === 'function' ? this.#options.token() : this.#options.token;
    // rohrpost.js's key order: type, id, auth_jwt, data.
    const frame: Record<string, unknown> = { type: pending.type, id };
    if (token !== undefined && token !== '') frame.auth_jwt = token;
    if (pending.data !== undefined) frame.data = pending.data;
    this.link.send(JSON.stringify(frame));
    return true;
  }

  #forget(pending: Pending): void {
    if (pending.wireId !== undefined) this.#inflight.delete(pending.wireId);
    const i = this.#queue.indexOf(pending);
    if (i !== -1) this.#queue.splice(i, 1);
  }

  protected pingFrame(): string {
    return `{"type":"ping","id":${++this.#lastId}}`;
  }

  protected opened(): void {
    const reconnected = this.#opens++ > 0;
    this.emit('open', { reconnected });
    if (reconnected && this.#groups.size > 0) void this.#resubscribe();
    const queued = this.#queue;
    this.#queue = [];
    for (const pending of queued) if (!pending.settled && !this.#transmit(pending)) this.#queue.push(pending);
  }

  async #resubscribe(): Promise<void> {
    const groups = [...this.#groups];
    const results = await Promise.allSettled(groups.map(([, entry]) => this.#request('subscribe', entry.target, true, {})));
    const back: string[] = [];
    results.forEach((result, i) => {
      const [group] = groups[i] as [string, GroupEntry];
      if (result.status === 'fulfilled') back.push(group);
      else if (this.#groups.delete(group)) this.emit('subscriptionLost', { group, error: result.reason as RequestError });
    });
    if (back.length > 0) this.emit('missed', { groups: back });
  }

  protected frame(text: string): void {
    const frame: RohrpostFrame | undefined = this.parseObject(text);
    if (frame === undefined) return;
    this.emit('message', frame);
    const { id, type, error, data } = frame;
    // Routed by type: rohrpost servers give these a random id that may equal a pending request's.
    if (type === 'subscription-update' && isPlainObject(data) && typeof data.group === 'string') {
      const entry = this.#groups.get(data.group);
      if (entry === undefined) return;
      const update: SubscriptionUpdate = { group: data.group, data };
      for (const listener of [...entry.listeners]) listener(update);
      this.emit('update', update);
      return;
    }
    if (typeof id === 'number' && Number.isInteger(id) && id > 0 && id <= this.#lastId) {
      // A reply to one of ours; to a request that timed out or was aborted, it is ignored.
      const pending = this.#inflight.get(id);
      if (pending === undefined) return;
      this.#inflight.delete(id);
      if (error !== undefined && error !== null && error !== '') {
        pending.fail(new RequestError('server', pending.type, `${pending.type}: ${typeof error === 'string' ? error : JSON.stringify(error)}`, { error, data }));
      } else {
        pending.succeed(data);
      }
      return;
    }
    if (error !== undefined && error !== null && error !== '') return this.emit('serverError', { error, data, frame });
    if (type === 'pong') return;
    this.emit('push', { type: typeof type === 'string' ? type : String(type), data, frame });
  }

  protected lost(info: CloseInfo): void {
    const again: Pending[] = [];
    for (const pending of this.#inflight.values()) {
      if (pending.retry && info.reconnecting) again.push(pending);
      else pending.fail(lostRequestError(pending.type, info, this.link.refused));
    }
    this.#inflight.clear();
    this.#queue = [...again, ...this.#queue];
    if (!info.reconnecting) {
      const queued = this.#queue;
      this.#queue = [];
      for (const pending of queued) pending.fail(new RequestError('closed', pending.type, `${pending.type}: the client stopped (${info.code} ${info.reason})`));
    }
    this.emit('close', info);
    if (info.code === CloseCode.Unauthorized || info.code === CloseCode.Forbidden) this.emit('authFailed', { code: info.code, reason: info.reason });
  }
}
