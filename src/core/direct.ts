/**
 * Frames for one connection, wherever it lives: a frame for a connection of this node is sent to it at once; one
 * for another node's connection travels as a layer {@link DirectMessage} whose `kind` is the dialect's name, and
 * that node's layer sink hands it to {@link DirectDelivery.receive}. Delivery is at most once: a frame for a
 * connection that has closed (or a node that has gone) is dropped with a debug line.
 *
 * @example
 * const direct = createDirectDelivery({ nodeId: layer.nodeId, registry, layer, logger });
 * direct.send('node-a/3b241101-e2bb-4255-8caf-4136c566a962', 'rohrpost', '{"type":"hello"}');
 * layer.attach({ deliver, direct: (message) => direct.receive(message) });
 *
 * @module
 */
import type { DirectMessage, Layer } from '../layers/layer.js';
import type { Logger } from '../log.js';
import { parseAddress } from './address.js';
import type { Registry } from './registry.js';

/** What {@link createDirectDelivery} needs. */
export interface DirectDeliveryContext {
  readonly nodeId: string;
  readonly registry: Registry;
  readonly layer: Layer;
  readonly logger: Logger;
}

/** Sends frames to addressed connections, and receives those other nodes send to this one. */
export interface DirectDelivery {
  /**
   * Sends `frame` (JSON text) to the connection at `address` (see core/address.ts), which must speak `dialect`.
   * Fire-and-forget, at most once.
   * @throws TypeError when `address` is malformed
   */
  send(address: string, dialect: string, frame: string): void;
  /** A direct message from another node (the layer sink's `direct`). */
  receive(message: DirectMessage): void;
}

/** Creates the direct delivery of one node. */
export function createDirectDelivery(ctx: DirectDeliveryContext): DirectDelivery {
  const { nodeId, registry, layer, logger } = ctx;

  const local = (connection: string, dialect: string, frame: string): void => {
    const conn = registry.get(connection);
    if (conn === undefined || conn.dialect !== dialect) {
      logger.debug({ connection, kind: dialect }, 'direct message for a connection not on this node: dropped');
      return;
    }
    conn.send(frame);
  };

  return {
    send(address, dialect, frame) {
      const { node, connection } = parseAddress(address);
      if (node === nodeId) local(connection, dialect, frame);
      else layer.send({ node, connection, kind: dialect, data: frame });
    },
    receive(message) {
      if (message.connection === undefined) {
        logger.debug({ kind: message.kind }, 'direct message with no handler');
        return;
      }
      local(message.connection, message.kind, message.data);
    },
  };
}
