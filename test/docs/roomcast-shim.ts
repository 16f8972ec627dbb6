/**
 * What `import … from 'roomcast'` means in a documentation example run by test/docs/examples.test.ts: the
 * package's entry (the source), except that `createServer` listens on a free loopback port unless the example
 * names one, instead of 8080, so examples run beside anything else on the machine.
 */
import { createServer as createRoomcastServer, type RoomcastServer, type ServerOptions } from '../../src/index.js';

export * from '../../src/index.js';

/** `createServer` of roomcast with `port: 0` and `host: '127.0.0.1'` as defaults. */
export function createServer(options: ServerOptions = {}): RoomcastServer {
  return createRoomcastServer({ port: 0, host: '127.0.0.1', ...options });
}
