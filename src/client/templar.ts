/**
 * The client of roomcast's templar dialect (`/ws/`, high-templar's protocol): subscribe to room dicts, receive
 * `publish` frames, keep alive with the raw `ping`. A replacement for the unmaintained spine-high-templar that
 * does not reconnect forever when unauthorized, backs off with jitter, and tells subscribers when they may have
 * missed publishes.
 *
 * Replies carry no id in this protocol; the server answers in request order, so replies are matched in order.
 *
 * @example
 * import { TemplarClient } from 'roomcast/client';
 * const client = new TemplarClient('wss://example.com/ws/');
 * const sub = await client.subscribe({ target: 'message', customer: 7 }, (data) => refresh(data));
 * client.on('missed', () => refetchAll());
 *
 * @module
 */
import { randomId } from './environment.js';
import { lostRequestError, RequestError } from './errors.js';
import type { CloseInfo, LinkOptions } from './link.js';
import { LinkedClient, type LinkEvents } from './linked.js';
import { Pending } from './requests.js';
import { isPlainObject } from '../wire/json.js';

/** A room: a flat object of strings and numbers, e.g. `{"target": "message", "customer": 7}`. */
export type TemplarRoom = Readonly<Record<string, string | number | boolean | null>>;

/** Options of {@link TemplarClient}. */
export interface TemplarClientOptions extends LinkOptions {
  /** Appended to the URL as `?token=` (URL-encoded) on every connect; a function is read per connect. */
  readonly token?: string | (() => string | undefined);
  /** Raw `ping` period (the server closes after 300 s of silence). `0`: none. @default 30000 */
  readonly pingIntervalMs?: number;
  /** How long a subscribe may wait for its reply, counted from the call. `0`: no limit. @default 10000 */
  readonly timeoutMs?: number;
}

/** The events of a {@link TemplarClient}. */
export interface TemplarEvents extends LinkEvents {
  open: { readonly reconnected: boolean };
  close: CloseInfo;
  /** The server's greeting: the rooms this connection may join. */
  authorized: { readonly allowedRooms: readonly TemplarRoom[] };
  /** The server said `is_authorized: false`; the client stopped. Call `connect()` once the credentials changed. */
  authFailed: { readonly code: number; readonly reason: string };
  /** After a reconnect, these subscriptions were made again: publishes sent while away were missed. */
  missed: { readonly subscriptions: readonly TemplarSubscription[] };
  /** A subscription could not be made again after a reconnect (e.g. the room is no longer allowed). */
  subscriptionLost: { readonly subscription: TemplarSubscription; readonly error: RequestError };
  /** A publish for one of this client's subscriptions. */
  publish: { readonly subscription: TemplarSubscription; readonly data: unknown };
}

/** One subscription (a `requestId`) to one room. */
export interface TemplarSubscription {
  readonly requestId: string;
  readonly room: TemplarRoom;
  /** Ends it; resolves once the server confirmed (or at once when disconnected). */
  unsubscribe(): Promise<void>;
}

interface Sub extends TemplarSubscription {
  readonly listener: (data: unknown, subscription: TemplarSubscription) => void;
  /** The first subscribe's promise, until the server confirmed it once. */
  confirm: Pending<void> | undefined;
}

/** A sent request, in the order the server will answer. */
interface Awaited {
  readonly kind: 'subscribe' | 'unsubscribe';
  readonly requestId: string;
  readonly pending: Pending<void>;
}

/** The URL to connect to, with `?token=` (URL-encoded) when there is a token; both are read per connect. */
function withToken(url: string | (() => string | Promise<string>), token: TemplarClientOptions['token']): () => Promise<string> {
  return async () => {
    const resolved = typeof url === 'function' ? await url() : url;
    const value = typeof token === 'function' ? token() : token;
    if (value === undefined || value === '') return resolved;
    const u = new URL(resolved);
    u.searchParams.set('token', value);
    return u.toString();
  };
}


export class TemplarClient extends LinkedClient<TemplarEvents> {
  readonly #options: TemplarClientOptions;
  readonly #subs = new Map<string, Sub>();
  #awaiting: Awaited[] = [];
  #opens = 0;

  constructor(url: string | (() => string | Promise<string>), options: TemplarClientOptions = {}) {
    super(withToken(url, options.token), options, options.pingIntervalMs ?? 30_000);
    this.#options = options;
    this.connect();
  }

  /** The live subscriptions. */
  get subscriptions(): readonly TemplarSubscription[] {
    return [...this.#subs.values()];
  }

  /**
   * Subscribes to `room`; `onPublish` receives each publish's `data`. Resolves once the server confirmed; rejects
   * with a {@link RequestError} (`server`, error `room-not-found`, when the room is not allowed). Made while
   * disconnected, it is sent on the next connect. It is made again after every reconnect.
   */
  subscribe(room: TemplarRoom, onPublish?: (data: unknown, subscription: TemplarSubscription) => void): Promise<TemplarSubscription> {
    return new Promise((resolve, reject) => {
      if (this.link.state === 'stopped') return reject(new RequestError('closed', 'subscribe', 'subscribe: the client is closed'));
      const requestId = randomId();
      const sub: Sub = {
        requestId,
        room,
        listener: onPublish ?? (() => {}),
        confirm: undefined,
        unsubscribe: () => this.#unsubscribe(requestId),
      };
      sub.confirm = new Pending<void>('subscribe', room, true, this.#options.timeoutMs ?? 10_000, undefined, () => resolve(sub), reject, () =>
        this.#subs.delete(requestId),
      );
      this.#subs.set(requestId, sub);
      if (this.link.state === 'open') this.#send(sub, sub.confirm);
    });
  }

  #unsubscribe(requestId: string): Promise<void> {
    const sub = this.#subs.get(requestId);
    if (sub === undefined) return Promise.resolve();
    this.#subs.delete(requestId);
    sub.confirm?.fail(new RequestError('aborted', 'subscribe', 'subscribe: unsubscribed before it was confirmed'));
    if (this.link.state !== 'open') return Promise.resolve();
    return new Promise((resolve) => {
      // Whatever the answer (`not-subscribed` included), the subscription is gone.
      const pending = new Pending<void>('unsubscribe', undefined, false, this.#options.timeoutMs ?? 10_000, undefined, resolve, () => resolve(), () => {});
      this.#awaiting.push({ kind: 'unsubscribe', requestId, pending });
      this.link.send(JSON.stringify({ type: 'unsubscribe', requestId }));
    });
  }

  #send(sub: Sub, pending: Pending<void>): void {
    this.#awaiting.push({ kind: 'subscribe', requestId: sub.requestId, pending });
    this.link.send(JSON.stringify({ type: 'subscribe', room: sub.room, requestId: sub.requestId }));
  }

  protected pingFrame(): string {
    return 'ping';
  }

  protected opened(): void {
    const reconnected = this.#opens++ > 0;
    this.emit('open', { reconnected });
    const again: Promise<Sub | undefined>[] = [];
    for (const sub of this.#subs.values()) {
      if (sub.confirm !== undefined) {
        this.#send(sub, sub.confirm);
        continue;
      }
      again.push(
        new Promise((resolve) => {
          const pending = new Pending<void>('subscribe', sub.room, true, this.#options.timeoutMs ?? 10_000, undefined, () => resolve(sub), (error) => {
            if (this.#subs.delete(sub.requestId)) this.emit('subscriptionLost', { subscription: sub, error });
            resolve(undefined);
          }, () => {});
          this.#send(sub, pending);
        }),
      );
    }
    if (again.length > 0) {
      void Promise.all(again).then((subs) => {
        const back = subs.filter((s): s is Sub => s !== undefined);
        if (back.length > 0) this.emit('missed', { subscriptions: back });
      });
    }
  }

  protected frame(text: string): void {
    if (text === 'pong') return;
    const frame = this.parseObject(text);
    if (frame === undefined) return;
    if (frame.type === 'publish') {
      const sub = typeof frame.requestId === 'string' ? this.#subs.get(frame.requestId) : undefined;
      if (sub === undefined || sub.confirm !== undefined) return; // unsubscribed, or not confirmed yet
      sub.listener(frame.data, sub);
      this.emit('publish', { subscription: sub, data: frame.data });
      return;
    }
    if (typeof frame.is_authorized === 'boolean') {
      if (frame.is_authorized) {
        const rooms = Array.isArray(frame.allowed_rooms) ? (frame.allowed_rooms.filter(isPlainObject) as TemplarRoom[]) : [];
        this.emit('authorized', { allowedRooms: rooms });
      } else {
        this.link.refused = true;
      }
      return;
    }
    if (typeof frame.code === 'string') return this.#reply(frame.code, frame.message, text);
    this.emit('protocolError', { reason: 'unexpected frame', frame: text });
  }

  #reply(code: string, message: unknown, text: string): void {
    const next = this.#awaiting.shift();
    if (next === undefined) return this.emit('protocolError', { reason: 'a reply to nothing', frame: text });
    const { kind, requestId, pending } = next;
    if (code === 'success') {
      const sub = this.#subs.get(requestId);
      if (kind === 'subscribe' && sub !== undefined && sub.confirm === pending) sub.confirm = undefined;
      if (kind === 'subscribe' && sub === undefined) {
        // It timed out or was unsubscribed meanwhile: the server holds a subscription nobody wants.
        this.#awaiting.push({ kind: 'unsubscribe', requestId, pending: new Pending<void>('unsubscribe', undefined, false, 0, undefined, () => {}, () => {}, () => {}) });
        this.link.send(JSON.stringify({ type: 'unsubscribe', requestId }));
      }
      pending.succeed();
      return;
    }
    const error = typeof message === 'string' ? message : code;
    if (kind === 'subscribe') this.#subs.delete(requestId);
    pending.fail(new RequestError('server', kind, `${kind}: ${error}`, { error }));
  }

  protected lost(info: CloseInfo): void {
    const awaiting = this.#awaiting;
    this.#awaiting = [];
    for (const { kind, requestId, pending } of awaiting) {
      // An unconfirmed subscription waits for the next connect with its first promise; the rest end here.
      const sub = this.#subs.get(requestId);
      if (kind === 'subscribe' && sub?.confirm === pending && info.reconnecting) continue;
      if (kind === 'unsubscribe') pending.succeed();
      else pending.fail(lostRequestError(kind, info, this.link.refused));
    }
    if (!info.reconnecting) {
      for (const sub of [...this.#subs.values()]) {
        if (sub.confirm === undefined) continue;
        this.#subs.delete(sub.requestId);
        sub.confirm.fail(new RequestError('closed', 'subscribe', `subscribe: the client stopped (${info.code} ${info.reason})`));
      }
    }
    this.emit('close', info);
    if (this.link.refused) this.emit('authFailed', { code: info.code, reason: 'not authorized' });
  }
}
