/**
 * After the upgrade: an authorized WebSocket becomes a {@link Connection} (registered, handed to its dialect,
 * reading frames); a denied one is told so by its dialect and closed.
 *
 * @example
 * createUpgradeHandler({ routes, auth, allowOrigins, maxFrameBytes, logger, isClosing, opened: createOpenHandler(env) });
 *
 * @module
 */
import type { AuthResult, UpgradeRequest } from '../auth/strategy.js';
import { Connection, type ConnectionEnv } from '../core/connection.js';
import { newId } from '../core/id.js';
import type { Dialect } from '../dialects/dialect.js';
import { redactUrl } from '../log.js';
import type { UpgradeContext } from './upgrade.js';
import type { WebSocketConnection } from './websocket.js';

/** Creates the upgrade handler's `opened`: one per server, sharing `env` with every connection. */
export function createOpenHandler(env: ConnectionEnv): UpgradeContext['opened'] {
  const { registry, logger } = env;
  return (socket: WebSocketConnection, dialect: Dialect, result: Exclude<AuthResult, { kind: 'failed' }>, request: UpgradeRequest): void => {
    if (result.kind === 'denied') {
      logger.info({ url: redactUrl(request.url), reason: result.reason }, 'connection not authorized');
      const denial = dialect.deny();
      if (denial.frame !== undefined) socket.sendText(denial.frame);
      socket.closeSoon(denial.code, denial.reason);
      return;
    }
    const conn = new Connection(newId(), dialect.name, result.identity, socket, env);
    // Tied to its socket first: should the dialect's open throw, the socket's close still deregisters it.
    socket.connection = conn;
    registry.add(conn);
    conn.handler = dialect.open(conn);
  };
}
