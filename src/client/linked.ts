/**
 * What both clients share: a {@link Link} that they open at construction, its state, `connect()` and `close()`,
 * and the `reconnecting` event. Each client supplies its dialect's ping and handles frames and losses.
 *
 * @module
 */
import { isPlainObject } from '../wire/json.js';
import { Emitter } from './emitter.js';
import { Link, type CloseInfo, type LinkOptions, type LinkState } from './link.js';

/** The events every client has. */
export interface LinkEvents {
  /** A new socket is being opened after a delay. */
  reconnecting: { readonly attempt: number; readonly delayMs: number };
  /** A frame that is not what the protocol allows. */
  protocolError: { readonly reason: string; readonly frame: string };
}

export abstract class LinkedClient<Events extends LinkEvents> extends Emitter<Events> {
  readonly #link: Link;

  /** Subclasses call {@link connect} at the end of their constructor, once their own fields exist. */
  protected constructor(url: string | (() => string | Promise<string>), options: LinkOptions, pingIntervalMs: number) {
    super();
    this.#link = new Link(url, options, pingIntervalMs > 0 ? { intervalMs: pingIntervalMs, frame: () => this.pingFrame() } : undefined, {
      opened: () => this.opened(),
      frame: (text) => this.frame(text),
      lost: (info) => this.lost(info),
      reconnecting: (attempt, delayMs) => this.emit('reconnecting', { attempt, delayMs } as Events['reconnecting']),
    });
  }

  /** `connecting`, `open`, `waiting` (to reconnect) or `stopped` (closed, or refused). */
  get state(): LinkState {
    return this.#link.state;
  }

  /** Opens, or reopens a stopped client (after `close()` or an auth refusal), keeping its subscriptions. */
  connect(): void {
    this.#link.start();
  }

  /** Closes; what is pending fails with `closed`. Subscriptions are kept for a later `connect()`. */
  close(): void {
    this.#link.stop(1000, 'client closed');
  }

  protected get link(): Link {
    return this.#link;
  }

  /** A frame as a JSON object, or `undefined` after reporting it as a `protocolError`. */
  protected parseObject(text: string): Record<string, unknown> | undefined {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.emit('protocolError', { reason: 'not JSON', frame: text } as Events['protocolError']);
      return undefined;
    }
    if (isPlainObject(value)) return value;
    this.emit('protocolError', { reason: 'not a JSON object', frame: text } as Events['protocolError']);
    return undefined;
  }

  protected abstract pingFrame(): string;
  protected abstract opened(): void;
  protected abstract frame(text: string): void;
  protected abstract lost(info: CloseInfo): void;
}
