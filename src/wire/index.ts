/**
 * roomcast/wire: the pure codecs and constants shared by server and client. No `node:` imports.
 *
 * @example
 * import { CloseCode, shouldReconnect } from 'roomcast/wire';
 * socket.onclose = (e) => { if (shouldReconnect(e.code)) retry(); };
 *
 * @module
 */
export { CloseCode, shouldReconnect } from './close-codes.js';
export { parseJson, isJsonObject, JsonNumber } from './json.js';
export type { JsonValue, JsonObject, JsonParsed, JsonFailure, ParseOptions } from './json.js';
export { canonicalJson, compareCodePoints } from './canonical.js';
