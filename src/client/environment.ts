/**
 * What the clients need from their host, found at run time so one build serves browsers and Node: a WebSocket
 * constructor (the global one, or `ws` passed in), and in browsers the online/offline and visibility signals.
 *
 * @module
 */

/** The part of the WebSocket API the clients use; the browser's WebSocket and `ws` both have it. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket class: `globalThis.WebSocket` in browsers (and Node 22+), or `ws`'s default export in Node 20.
 * Typed loosely so both fit; only {@link WebSocketLike} is used.
 */
export type WebSocketClass = new (url: string) => unknown;

/** The host's network signals (browsers); `false` in options turns them off. */
export interface NetworkSignals {
  /** Whether the host believes it is online. */
  online(): boolean;
  /**
   * Calls `onOnline` when the host comes back online and `onVisible` when the page becomes visible again.
   * Returns the function that stops listening.
   */
  watch(onOnline: () => void, onVisible: () => void): () => void;
}

/** The WebSocket class to use, or a clear error saying how to supply one. */
export function webSocketClass(given: WebSocketClass | undefined): new (url: string) => WebSocketLike {
  const found = given ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
  if (found === undefined) {
    throw new TypeError("no WebSocket implementation: pass one, e.g. `import WebSocket from 'ws'` and { WebSocket }");
  }
  return found as new (url: string) => WebSocketLike;
}

interface BrowserGlobals {
  addEventListener?: (type: string, fn: () => void) => void;
  removeEventListener?: (type: string, fn: () => void) => void;
  navigator?: { onLine?: boolean };
  document?: {
    visibilityState?: string;
    addEventListener?: (type: string, fn: () => void) => void;
    removeEventListener?: (type: string, fn: () => void) => void;
  };
}

/** The browser's signals, or none outside a browser. */
export function browserNetwork(): NetworkSignals | undefined {
  const g = globalThis as BrowserGlobals;
  const add = g.addEventListener;
  const doc = g.document;
  if (add === undefined || doc?.addEventListener === undefined) return undefined;
  return {
    online: () => g.navigator?.onLine !== false,
    watch(onOnline, onVisible) {
      const visibility = (): void => {
        if (doc.visibilityState === 'visible') onVisible();
      };
      add.call(g, 'online', onOnline);
      doc.addEventListener?.('visibilitychange', visibility);
      return () => {
        g.removeEventListener?.call(g, 'online', onOnline);
        doc.removeEventListener?.('visibilitychange', visibility);
      };
    },
  };
}

/** A random id for templar subscriptions (crypto.randomUUID where the page is a secure context). */
export function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID !== undefined) return c.randomUUID();
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(Math.random() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** A frame's text: text frames arrive as strings; binary ones are decoded as UTF-8. */
export function frameText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return new TextDecoder().decode(data as ArrayBuffer);
  return undefined;
}
