/**
 * The binding part of {@link RoomcastServer}: the app's own events on the binding dialect
 * (docs/protocols/binding.md, "Your own events").
 *
 * @module
 */
import type { Dialect } from '../dialects/dialect.js';
import type { BindingDialect } from '../dialects/binding/index.js';
import type { RoomcastServer } from './api.js';

/** The server's binding methods. */
export type BindingApi = Pick<RoomcastServer, 'bind'>;

/** Creates the server's binding methods over the binding dialect it serves, if any. */
export function createBindingApi(dialects: readonly Dialect[]): BindingApi {
  const binding = dialects.find((d): d is BindingDialect => d.name === 'binding' && 'on' in d);
  return {
    bind(event, handler) {
      if (binding === undefined) throw new Error('the binding dialect is not served by this server (it needs `models`)');
      binding.on(event, handler);
    },
  };
}
