/**
 * The rohrpost part of {@link RoomcastServer}: handlers, pushes to a group on every node, and messages to one
 * connection on whichever node holds it (docs/protocols/rohrpost.md, "Server → client messages").
 *
 * @module
 */
import type { DirectDelivery } from '../core/direct.js';
import type { Hub } from '../core/hub.js';
import type { Dialect } from '../dialects/dialect.js';
import { renderErrorMessage, renderPush } from '../dialects/rohrpost/codec.js';
import { rohrpostGroup, type RohrpostDialect } from '../dialects/rohrpost/index.js';
import type { RoomcastServer } from './api.js';

/** What {@link createRohrpostApi} needs. */
export interface RohrpostApiContext {
  readonly dialects: readonly Dialect[];
  readonly hub: Hub;
  readonly direct: DirectDelivery;
  readonly nodeId: string;
}

/** The server's rohrpost methods. */
export type RohrpostApi = Pick<RoomcastServer, 'handle' | 'sendToGroup' | 'sendMessage' | 'sendError'>;

/** Creates the server's rohrpost methods. */
export function createRohrpostApi(ctx: RohrpostApiContext): RohrpostApi {
  const { hub, direct, nodeId } = ctx;
  const rohrpost = ctx.dialects.find((d): d is RohrpostDialect => d.name === 'rohrpost' && 'handle' in d);
  const toConnection = (address: string, frame: string): void => {
    // rohrpost's send_message refuses to send nothing, too ("Cannot send an empty message.").
    if (frame === '{}') throw new TypeError('Cannot send an empty message.');
    direct.send(address, 'rohrpost', frame);
  };
  return {
    handle(type, handler) {
      if (rohrpost === undefined) throw new Error('the rohrpost dialect is not served by this server');
      rohrpost.handle(type, handler);
    },
    sendToGroup(group, type, data) {
      hub.publish({ groups: [rohrpostGroup(group)], event: 'rohrpost', data: renderPush(type, data), origin: nodeId });
    },
    sendMessage(connectionId, type, data, options) {
      toConnection(connectionId, renderPush(type, data, options?.id));
    },
    sendError(connectionId, message, options) {
      toConnection(connectionId, renderErrorMessage(message, options));
    },
  };
}
