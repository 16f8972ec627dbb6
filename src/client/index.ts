/**
 * roomcast/client: what a browser or Node client needs to talk to roomcast. Imports only `wire/` and never a
 * `node:` module, so it bundles for the browser as is.
 *
 * @example
 * import { CloseCode, shouldReconnect } from 'roomcast/client';
 * ws.onclose = (e) => { if (shouldReconnect(e.code)) setTimeout(connect, 1000); };
 *
 * @module
 */
export { CloseCode, shouldReconnect } from '../wire/close-codes.js';
