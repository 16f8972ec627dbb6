/**
 * The templar dialect: a drop-in for high-templar 3.x at `/ws/`, for django-binder backends and
 * spine-high-templar clients (docs/protocols/templar.md).
 *
 * @example
 * createServer({ dialects: [createTemplarDialect({ maxSubscriptions: 5000 })] })
 *
 * @module
 */
import type { Membership } from '../../core/connection.js';
import type { Envelope } from '../../core/envelope.js';
import { roomGroup } from '../../rooms/room.js';
import { CloseCode } from '../../wire/close-codes.js';
import type { Dialect, Session } from '../dialect.js';
import {
  DENIED,
  SUCCESS,
  TemplarError,
  decodeTemplar,
  naiveLocalIso,
  publishTail,
  renderError,
  renderGreeting,
  renderPublishHead,
  type TemplarStatus,
} from './codec.js';

/** Options of {@link createTemplarDialect}. */
export interface TemplarOptions {
  /** URL path. @default '/ws/' */
  readonly path?: string;
  /** Subscriptions one connection may hold. high-templar's own load test uses 1,500. @default 10000 */
  readonly maxSubscriptions?: number;
  /** Answer the `status` action (it shows node-wide counters to any authorized client). @default true */
  readonly status?: boolean;
}

/** A connection's live subscriptions, by requestId text then room key. One requestId may hold several rooms. */
interface TemplarState {
  readonly byRequestId: Map<string, Map<string, Membership>>;
  count: number;
}

/** The group-name prefix of templar rooms, for counting them. */
const ROOM_PREFIX = 'room:';

/** Creates the templar dialect. */
export function createTemplarDialect(options: TemplarOptions = {}): Dialect<TemplarState> {
  const maxSubscriptions = options.maxSubscriptions ?? 10_000;
  const statusEnabled = options.status ?? true;

  const status = (session: Session): TemplarStatus => ({
    open_connections: session.server.connections('templar'),
    num_rooms: session.server.groups(ROOM_PREFIX),
    online_since: naiveLocalIso(session.server.stats.onlineSince),
    rabbitmq_messages_received: session.server.stats.amqpReceived,
    ws_messages_received: session.server.stats.received,
    ws_messages_send: session.server.stats.sent,
    ws_messages_send_error: session.server.stats.sendErrors,
    ws_messages_send_queued: session.server.queuedBytes('templar'),
  });

  return {
    name: 'templar',
    path: options.path ?? '/ws/',

    open(session) {
      session.send(renderGreeting(session.identity.rooms.allowed));
      return { byRequestId: new Map(), count: 0 };
    },

    deny() {
      // high-templar closes unauthorized sockets with 1000 and its clients' tests expect a clean close.
      return { frame: DENIED, code: CloseCode.Normal, reason: 'not authorized' };
    },

    message(session, state, frame) {
      const cmd = decodeTemplar(frame);
      switch (cmd.kind) {
        case 'ping':
          session.send('pong');
          return;
        case 'status':
          session.send(statusEnabled ? JSON.stringify(status(session)) : renderError(TemplarError.StatusDisabled));
          return;
        case 'error':
          session.send(renderError(cmd.error, cmd.generic ? session.id : undefined));
          return;
        case 'subscribe': {
          if (!session.identity.rooms.allows(cmd.room)) {
            session.send(renderError(TemplarError.RoomNotFound));
            return;
          }
          let rooms = state.byRequestId.get(cmd.requestId);
          if (rooms?.has(cmd.room.key) === true) {
            session.send(SUCCESS); // the same (requestId, room) again: already live, nothing to add
            return;
          }
          if (state.count >= maxSubscriptions) {
            session.send(renderError(TemplarError.TooManySubscriptions));
            return;
          }
          if (rooms === undefined) {
            rooms = new Map();
            state.byRequestId.set(cmd.requestId, rooms);
          }
          rooms.set(cmd.room.key, session.join(roomGroup(cmd.room), Buffer.from(publishTail(cmd.requestId))));
          state.count++;
          session.send(SUCCESS);
          return;
        }
        case 'unsubscribe': {
          const rooms = state.byRequestId.get(cmd.requestId);
          if (rooms === undefined) {
            session.send(renderError(TemplarError.NotSubscribed));
            return;
          }
          // Every room subscribed under this requestId goes (high-templar left them behind: dossier §4.10).
          for (const membership of rooms.values()) session.leave(membership);
          state.count -= rooms.size;
          state.byRequestId.delete(cmd.requestId);
          session.send(SUCCESS);
          return;
        }
      }
    },

    rateLimited(session) {
      session.send(renderError(TemplarError.RateLimited));
    },

    render(envelope: Envelope) {
      return Buffer.from(renderPublishHead(envelope.data));
    },

    closed(_session, state) {
      state.byRequestId.clear();
      state.count = 0;
    },
  };
}
