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
import { roomGroup, type Room } from '../../rooms/room.js';
import { CloseCode } from '../../wire/close-codes.js';
import type { Dialect, Handler, Session } from '../dialect.js';
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

/** The group-name prefix of templar rooms, for counting them. */
const ROOM_PREFIX = 'room:';

/**
 * One templar connection: its subscriptions by requestId text. A requestId usually holds one room, so that case
 * stores the membership itself, not a collection.
 */
class TemplarConnection implements Handler {
  readonly #session: Session;
  readonly #options: Required<Omit<TemplarOptions, 'path'>>;
  #byRequestId: Map<string, Membership | Membership[]> | undefined;
  #count = 0;

  constructor(session: Session, options: Required<Omit<TemplarOptions, 'path'>>) {
    this.#session = session;
    this.#options = options;
  }

  message(frame: string): void {
    const session = this.#session;
    const cmd = decodeTemplar(frame);
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
        session.send(this.#subscribe(cmd.room, cmd.requestId));
        return;
      case 'unsubscribe':
        session.send(this.#unsubscribe(cmd.requestId));
        return;
    }
  }

  #subscribe(room: Room, requestId: string): string {
    if (!this.#session.identity.rooms.allows(room)) return renderError(TemplarError.RoomNotFound);
    const group = roomGroup(room);
    const map = (this.#byRequestId ??= new Map());
    const held = map.get(requestId);
    const list = held === undefined ? [] : Array.isArray(held) ? held : [held];
    // The same (requestId, room) again: already live, nothing to add.
    if (list.some((m) => m.group === group)) return SUCCESS;
    if (this.#count >= this.#options.maxSubscriptions) return renderError(TemplarError.TooManySubscriptions);
    const membership = this.#session.join(group, Buffer.from(publishTail(requestId)));
    map.set(requestId, held === undefined ? membership : [...list, membership]);
    this.#count++;
    return SUCCESS;
  }

  #unsubscribe(requestId: string): string {
    const held = this.#byRequestId?.get(requestId);
    if (held === undefined) return renderError(TemplarError.NotSubscribed);
    // Every room subscribed under this requestId goes (high-templar left them behind: dossier §4.10).
    const list = Array.isArray(held) ? held : [held];
    for (const membership of list) this.#session.leave(membership);
    this.#count -= list.length;
    this.#byRequestId?.delete(requestId);
    return SUCCESS;
  }

  rateLimited(): void {
    this.#session.send(renderError(TemplarError.RateLimited));
  }

  closed(): void {
    this.#byRequestId = undefined;
    this.#count = 0;
  }
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
  };
}

/** Creates the templar dialect. */
export function createTemplarDialect(options: TemplarOptions = {}): Dialect {
  const resolved = { maxSubscriptions: options.maxSubscriptions ?? 10_000, status: options.status ?? true };
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
      return Buffer.from(renderPublishHead(envelope.data));
    },
  };
}
