/**
 * A {@link Link} is one logical connection that outlives its sockets: it opens a WebSocket, keeps it alive with
 * the dialect's ping, and when the socket is lost opens another after a backoff delay. Whether to reconnect
 * follows the close code: the server's auth refusals (4001, 4003) and policy violations (1008) stop the link,
 * because reconnecting would only present the same credentials again. In browsers it waits for the network to
 * come back instead of retrying while offline, and retries at once when the page becomes visible.
 *
 * @module
 */
import { shouldReconnect } from '../wire/close-codes.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { browserNetwork, frameText, webSocketClass, type NetworkSignals, type WebSocketClass, type WebSocketLike } from './environment.js';

/** The close code the client reports when it gave up on a socket that stopped answering pings. */
export const PING_TIMEOUT = 4000;
/** The close code the client reports when it could not build the URL. */
export const URL_FAILED = 4002;

/** Where a link is. */
export type LinkState = 'connecting' | 'open' | 'waiting' | 'stopped';

/** Options every client shares. */
export interface LinkOptions {
  /** The WebSocket class; the global one by default (pass `ws` in Node 20). */
  readonly WebSocket?: WebSocketClass;
  /** Reconnect delays, or `false` to never reconnect. */
  readonly reconnect?: BackoffOptions | false;
  /** A connection that stayed open this long resets the backoff to its first delay. @default 5000 */
  readonly stableAfterMs?: number;
  /** Online/visibility signals; the browser's by default, `false` for none. */
  readonly network?: NetworkSignals | false;
}

/** How a socket ended. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  /** Whether the link will open another socket. */
  readonly reconnecting: boolean;
  /** The delay before it does, when known (it may also wait for the network). */
  readonly delayMs?: number;
}

/** What the link tells its client. */
export interface LinkHooks {
  opened(): void;
  frame(text: string): void;
  lost(info: CloseInfo): void;
  reconnecting(attempt: number, delayMs: number): void;
}

/** The dialect's keepalive: a frame to send every `intervalMs`; a whole interval without any frame in reply ends the socket. */
export interface Keepalive {
  readonly intervalMs: number;
  frame(): string;
}

const ignore = (): void => {};

export class Link {
  #state: LinkState = 'stopped';
  #socket: WebSocketLike | undefined;
  #attempt = 0;
  #openedAt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pingSentAt: number | undefined;
  #lastFrameAt = 0;
  #unwatch: (() => void) | undefined;
  /** Set by the client when the dialect itself says the credentials were refused (templar's greeting). */
  refused = false;

  readonly #url: () => string | Promise<string>;
  readonly #options: LinkOptions;
  readonly #keepalive: Keepalive | undefined;
  readonly #hooks: LinkHooks;
  readonly #network: NetworkSignals | undefined;
  readonly #WebSocket: new (url: string) => WebSocketLike;

  constructor(url: string | (() => string | Promise<string>), options: LinkOptions, keepalive: Keepalive | undefined, hooks: LinkHooks) {
    this.#url = typeof url === 'function' ? url : () => url;
    this.#options = options;
    this.#keepalive = keepalive;
    this.#hooks = hooks;
    this.#network = options.network === false ? undefined : (options.network ?? browserNetwork());
    this.#WebSocket = webSocketClass(options.WebSocket);
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Opens (or reopens after a stop). Does nothing unless stopped. */
  start(): void {
    if (this.#state !== 'stopped') return;
    this.refused = false;
    this.#attempt = 0;
    this.#unwatch = this.#network?.watch(
      () => this.#retryNow(true),
      () => (this.#state === 'open' ? this.#tick() : this.#retryNow(false)),
    );
    void this.#connect();
  }

  /** Sends a frame if the socket is open; `false` otherwise. */
  send(text: string): boolean {
    if (this.#state !== 'open' || this.#socket === undefined) return false;
    this.#socket.send(text);
    return true;
  }

  /** Closes for good (until {@link start}); reports the loss with `reconnecting: false`. */
  stop(code = 1000, reason = 'client closed'): void {
    if (this.#state === 'stopped') return;
    const socket = this.#socket;
    this.#end();
    this.#state = 'stopped';
    this.#unwatch?.();
    if (socket !== undefined) socket.close(code, reason);
    this.#hooks.lost({ code, reason, reconnecting: false });
  }

  async #connect(): Promise<void> {
    this.#state = 'connecting';
    let url: string;
    try {
      url = await this.#url();
    } catch (err) {
      return this.#lost(URL_FAILED, `could not build the URL: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (this.#state !== 'connecting') return;
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(url);
    } catch (err) {
      // An invalid URL will not become valid by retrying.
      this.#state = 'stopped';
      this.#unwatch?.();
      this.#hooks.lost({ code: URL_FAILED, reason: err instanceof Error ? err.message : String(err), reconnecting: false });
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      this.#state = 'open';
      this.#openedAt = Date.now();
      this.#lastFrameAt = this.#openedAt;
      this.#pingSentAt = undefined;
      if (this.#keepalive !== undefined) this.#pingTimer = setInterval(() => this.#tick(), this.#keepalive.intervalMs);
      this.#hooks.opened();
    };
    socket.onmessage = (event) => {
      this.#lastFrameAt = Date.now();
      const text = frameText(event.data);
      if (text !== undefined) this.#hooks.frame(text);
    };
    // A socket that fails reports an error and then its close; the close decides.
    socket.onerror = ignore;
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#lost(event.code, event.reason);
    };
  }

  /** The keepalive tick: end a socket that answered nothing since the last ping, else ping. */
  #tick(): void {
    const socket = this.#socket;
    if (this.#state !== 'open' || socket === undefined || this.#keepalive === undefined) return;
    if (this.#pingSentAt !== undefined && this.#lastFrameAt < this.#pingSentAt) {
      // Do not wait for the close handshake of a dead network: report the loss now.
      socket.close(1000, 'no reply to ping');
      this.#lost(PING_TIMEOUT, 'no reply to ping');
      return;
    }
    this.#pingSentAt = Date.now();
    socket.send(this.#keepalive.frame());
  }

  #lost(code: number, reason: string): void {
    if (this.#state === 'stopped') return;
    const wasStable = this.#openedAt > 0 && Date.now() - this.#openedAt >= (this.#options.stableAfterMs ?? 5000);
    this.#end();
    if (wasStable) this.#attempt = 0;
    const backoff = this.#options.reconnect;
    if (backoff === false || this.refused || !shouldReconnect(code)) {
      this.#state = 'stopped';
      this.#unwatch?.();
      this.#hooks.lost({ code, reason, reconnecting: false });
      return;
    }
    const delayMs = backoffDelay(this.#attempt, backoff);
    this.#state = 'waiting';
    this.#hooks.lost({ code, reason, reconnecting: true, delayMs });
    if (this.#state !== 'waiting') return; // a listener stopped or restarted the link
    this.#schedule(delayMs);
  }

  #schedule(delayMs: number): void {
    // Offline, a retry would fail at once and use up the backoff: wait for the `online` signal instead.
    if (this.#network !== undefined && !this.#network.online()) return;
    this.#retryTimer = setTimeout(() => this.#retry(delayMs), delayMs);
  }

  #retry(delayMs: number): void {
    this.#retryTimer = undefined;
    if (this.#state !== 'waiting') return;
    this.#attempt++;
    this.#hooks.reconnecting(this.#attempt, delayMs);
    void this.#connect();
  }

  /** The network came back (`reset`: start the backoff over) or the page became visible: retry without waiting. */
  #retryNow(reset: boolean): void {
    if (this.#state !== 'waiting') return;
    if (reset) this.#attempt = 0;
    clearTimeout(this.#retryTimer);
    this.#retry(0);
  }

  /** Detaches the current socket and clears every timer. */
  #end(): void {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#retryTimer);
    this.#pingTimer = undefined;
    this.#retryTimer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    this.#openedAt = 0;
    if (socket !== undefined) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      // Keep an error listener: `ws` throws an error event nobody listens to (closing a socket still connecting
      // emits one).
      socket.onerror = ignore;
    }
  }
}
