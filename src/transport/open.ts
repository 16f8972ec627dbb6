/**
 * After the upgrade: an authorized WebSocket becomes a {@link Connection} (registered, handed to its dialect,
 * listening for frames); a denied one is told so by its dialect and closed.
 *
 * @example
 * createUpgradeHandler({ wss, routes, auth, allowOrigins, logger, isClosing, opened: createOpenHandler(env) });
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { AuthResult, UpgradeRequest } from '../auth/strategy.js';
import { Connection, type ConnectionEnv } from '../core/connection.js';
import { newId } from '../core/id.js';
import type { Dialect } from '../dialects/dialect.js';
import { redactUrl } from '../log.js';
import type { UpgradeContext } from './upgrade.js';
import type { RoomcastWebSocket } from './ws-socket.js';

// Module-level listeners, called with the socket as `this`: no closure per connection. Every socket of the server
// is a RoomcastWebSocket (the WebSocketServer's `WebSocket` option), carrying its connection.
function onSocketMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  // Binary frames are read as UTF-8 text, as high-templar did (dossier §1.4).
  (this as RoomcastWebSocket).connection?.receive(isBinary ? data.toString('utf8') : data.toString(), Date.now());
}
function onSocketClose(this: WebSocket): void {
  (this as RoomcastWebSocket).connection?.closed();
}
function onSocketError(): void {
  // ws closes the socket after an error (bad frame, reset); the close listener cleans up.
}

/** Creates the upgrade handler's `opened`: one per server, sharing `env` with every connection. */
export function createOpenHandler(env: ConnectionEnv): UpgradeContext['opened'] {
  const { registry, logger } = env;
  return (ws: WebSocket, raw: Duplex, dialect: Dialect, result: Exclude<AuthResult, { kind: 'failed' }>, request: UpgradeRequest): void => {
    ws.on('error', onSocketError);
    if (result.kind === 'denied') {
      logger.info({ url: redactUrl(request.url), reason: result.reason }, 'connection not authorized');
      const denial = dialect.deny();
      if (denial.frame !== undefined) ws.send(denial.frame);
      ws.close(denial.code, denial.reason);
      return;
    }
    const socket = ws as RoomcastWebSocket;
    socket.raw = raw;
    const conn = new Connection(newId(), dialect.name, result.identity, socket, env);
    registry.add(conn);
    conn.handler = dialect.open(conn);
    socket.connection = conn;
    ws.on('message', onSocketMessage);
    ws.on('close', onSocketClose);
  };
}
