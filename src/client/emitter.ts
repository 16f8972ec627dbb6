/**
 * Typed events for the clients: `on(event, fn)` returns the function that removes `fn`. A listener that throws
 * does not stop the others or the client; its error is rethrown on a later microtask, where the host reports it
 * (a browser's console, Node's `uncaughtException`), as DOM event listeners behave.
 *
 * @module
 */

/** Removes the listener it was returned for. Calling it twice is harmless. */
export type Off = () => void;

/** An event source whose events and payloads are described by `Events` (event name → payload type). */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /** Calls `fn` with every `event` until the returned function is called. */
  on<K extends keyof Events>(event: K, fn: (payload: Events[K]) => void): Off {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    const listener = fn as (payload: never) => void;
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Calls `fn` with the next `event` only. */
  once<K extends keyof Events>(event: K, fn: (payload: Events[K]) => void): Off {
    const off = this.on(event, (payload) => {
      off();
      fn(payload);
    });
    return off;
  }

  /** Resolves with the next `event`'s payload; with `timeoutMs`, rejects if none comes in time. */
  next<K extends keyof Events>(event: K, timeoutMs?: number): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        off();
        reject(new Error(`no ${String(event)} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.once(event, (payload) => {
        clearTimeout(timer);
        resolve(payload);
      });
    });
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
