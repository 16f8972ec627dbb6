/**
 * A request waiting for its reply: one timer, one optional abort signal, settled exactly once.
 *
 * @module
 */
import { RequestError } from './errors.js';

export class Pending<T = unknown> {
  /** The id it went out with, once sent. */
  wireId: number | undefined;
  #settled = false;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: () => void;
  readonly #resolve: (value: T) => void;
  readonly #reject: (error: RequestError) => void;
  /** The message type (rohrpost) or request kind (templar). */
  readonly type: string;
  readonly data: unknown;
  /** Whether it is sent again after a reconnect (idempotent requests: subscribe). */
  readonly retry: boolean;

  /**
   * @param forget removes the request from wherever it waits (queue, in-flight table); called on timeout and abort.
   */
  constructor(
    type: string,
    data: unknown,
    retry: boolean,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    resolve: (value: T) => void,
    reject: (error: RequestError) => void,
    forget: (pending: Pending<T>) => void,
  ) {
    this.type = type;
    this.data = data;
    this.retry = retry;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = signal;
    this.#onAbort = () => {
      forget(this);
      this.fail(new RequestError('aborted', type, `${type}: aborted`));
    };
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      this.#timer = setTimeout(() => {
        forget(this);
        this.fail(new RequestError('timeout', type, `${type}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
    }
    signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get settled(): boolean {
    return this.#settled;
  }

  succeed(value: T): void {
    if (this.#finish()) this.#resolve(value);
  }

  fail(error: RequestError): void {
    if (this.#finish()) this.#reject(error);
  }

  #finish(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    return true;
  }
}
