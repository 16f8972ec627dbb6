/**
 * The templar dialect: a drop-in for high-templar 3.x at `/ws/`, for django-binder backends and
 * spine-high-templar clients (docs/protocols/templar.md).
 *
 * @example
 * createServer({ dialects: [createTemplarDialect({ maxSubscriptions: 5000 })] })
 *
 * @module
 */
import type { Envelope } from '../../core/envelope.js';
import { CHANGE_EVENT, changeOf } from '../../models/changes.js';
import { roomGroup, type Room } from '../../rooms/room.js';
import { CloseCode } from '../../wire/close-codes.js';
import { DEFAULT_MAX_ROOM_BYTES, type Dialect, type Handler, type Session } from '../dialect.js';
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
  /**
   * The longest room (its canonical JSON, in UTF-8 bytes) and the longest `requestId` a subscription may have:
   * the server holds both for as long as it lives. django-binder's rooms are small objects such as
   * `{"target":"user","id":42}`. @default 1024
   */
  readonly maxRoomBytes?: number;
}


/** The group-name prefix of templar rooms, for counting them. */
const ROOM_PREFIX = 'room:';

/**
 * One templar connection. Its subscriptions are its memberships: each carries the requestId as its publish
 * tail, so no map per connection is needed (a scan of a connection's own subscriptions is cheap next to the
 * memory a map would cost every idle connection).
 */
class TemplarConnection implements Handler {
  readonly #session: Session;
  readonly #options: Required<Omit<TemplarOptions, 'path'>>;

  constructor(session: Session, options: Required<Omit<TemplarOptions, 'path'>>) {
    this.#session = session;
    this.#options = options;
  }

  message(frame: string): void {
    const session = this.#session;
    const cmd = decodeTemplar(frame, { maxRoomFields: session.identity.rooms.maxFields });
    switch (cmd.kind) {
      case 'ping':
        session.send('pong');
        return;
      case 'status':
        session.send(this.#options.status ? JSON.stringify(status(session)) : renderError(TemplarError.StatusDisabled));
        return;
      case 'error':
        session.send(renderError(cmd.error, cmd.generic ? session.id : undefined));
        return;
      case 'subscribe':
        session.send(this.#subscribe(cmd.room, publishTail(cmd.requestId)));
        return;
      case 'unsubscribe':
        session.send(this.#unsubscribe(publishTail(cmd.requestId)));
        return;
    }
  }

  #subscribe(room: Room, tail: string): string {
    const session = this.#session;
    // Sizes first: a subscription holds both for its lifetime, allowed or not is a matter of the room's content.
    const max = this.#options.maxRoomBytes;
    if (Buffer.byteLength(room.key) > max) return renderError(TemplarError.RoomTooLarge);
    if (Buffer.byteLength(tail) - 1 > max) return renderError(TemplarError.RequestIdTooLarge);
    if (!session.identity.rooms.allows(room)) return renderError(TemplarError.RoomNotFound);
    const group = roomGroup(room);
    // The same (requestId, room) again: already live, nothing to add.
    if (session.memberships.some((m) => m.tail === tail && m.group === group)) return SUCCESS;
    if (session.memberships.length >= this.#options.maxSubscriptions) return renderError(TemplarError.TooManySubscriptions);
    session.join(group, tail);
    return SUCCESS;
  }

  #unsubscribe(tail: string): string {
    const session = this.#session;
    const list = session.memberships;
    let found = false;
    // Every room subscribed under this requestId goes (high-templar left them behind: dossier §4.10).
    // Backwards, because leaving moves the last membership into the freed slot.
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i];
      if (m !== undefined && m.tail === tail) {
        session.leave(m);
        found = true;
      }
    }
    return found ? SUCCESS : renderError(TemplarError.NotSubscribed);
  }

  rateLimited(): void {
    this.#session.send(renderError(TemplarError.RateLimited));
  }

  closed(): void {}
}

function status(session: Session): TemplarStatus {
  const { server } = session;
  return {
    open_connections: server.connections('templar'),
    num_rooms: server.groups(ROOM_PREFIX),
    online_since: naiveLocalIso(server.stats.onlineSince),
    rabbitmq_messages_received: server.stats.amqpReceived,
    ws_messages_received: server.stats.received,
    ws_messages_send: server.stats.sent,
    ws_messages_send_error: server.stats.sendErrors,
    ws_messages_send_queued: server.queuedBytes('templar'),
    layer: server.layer(),
  };
}

/** Creates the templar dialect. */
export function createTemplarDialect(options: TemplarOptions = {}): Dialect {
  const resolved = {
    maxSubscriptions: options.maxSubscriptions ?? 10_000,
    status: options.status ?? true,
    maxRoomBytes: options.maxRoomBytes ?? DEFAULT_MAX_ROOM_BYTES,
  };
  return {
    name: 'templar',
    path: options.path ?? '/ws/',

    open(session) {
      session.send(renderGreeting(session.identity.rooms.allowed));
      return new TemplarConnection(session, resolved);
    },

    deny() {
      // high-templar closes unauthorized sockets with 1000 and its clients' tests expect a clean close.
      return { frame: DENIED, code: CloseCode.Normal, reason: 'not authorized' };
    },

    render(envelope: Envelope) {
      if (envelope.event === CHANGE_EVENT) {
        // django-binder's PR #271: `data: ""` (clients refetch); with `templarIds`, the key.
        const change = changeOf(envelope);
        if (change === undefined) return undefined;
        return Buffer.from(renderPublishHead(change.templarIds ? JSON.stringify({ ids: [change.key] }) : '""'));
      }
      return Buffer.from(renderPublishHead(envelope.data));
    },
  };
}
