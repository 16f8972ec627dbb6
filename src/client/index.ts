/**
 * roomcast/client: the browser and Node client of roomcast. It imports only `wire/` and never a `node:` module,
 * so it bundles for the browser as is (`dist/roomcast-client.min.js` is the `<script>` build, global `roomcast`).
 * In Node 20, pass `ws` as `WebSocket`; browsers and Node 22+ use the global one. docs/client.md is the guide.
 *
 * @example
 * import WebSocket from 'ws';
 * import { RohrpostClient } from 'roomcast/client';
 * const client = new RohrpostClient('ws://127.0.0.1:8080/ws/rohrpost/', { WebSocket });
 * const reply = await client.call('echo', { hello: 'world' });
 *
 * @module
 */
export { CloseCode, shouldReconnect } from '../wire/close-codes.js';
export { backoffDelay, BACKOFF_DEFAULTS, type BackoffOptions } from './backoff.js';
export { Emitter, type Off } from './emitter.js';
export type { NetworkSignals, WebSocketClass, WebSocketLike } from './environment.js';
export { RequestError, type RequestFailure } from './errors.js';
export { PING_TIMEOUT, URL_FAILED, type CloseInfo, type LinkOptions, type LinkState } from './link.js';
export {
  RohrpostClient,
  type CallOptions,
  type RohrpostClientOptions,
  type RohrpostEvents,
  type RohrpostFrame,
  type Subscription,
  type SubscriptionTarget,
  type SubscriptionUpdate,
} from './rohrpost.js';
export { TemplarClient, type TemplarClientOptions, type TemplarEvents, type TemplarRoom, type TemplarSubscription } from './templar.js';
