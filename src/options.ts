/**
 * Options of {@link createServer}, with their defaults in one place.
 *
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { HeaderSource } from './auth/forward.js';
import type { AuthStrategy } from './auth/strategy.js';
import type { Models } from './models/index.js';
import type { Dialect } from './dialects/dialect.js';
import type { TemplarOptions } from './dialects/templar/index.js';
import type { RohrpostOptions } from './dialects/rohrpost/index.js';
import type { BindingOptions } from './dialects/binding/index.js';
import type { Layer } from './layers/layer.js';
import type { QueuePolicy } from './core/connection.js';
import type { Logger } from './log.js';
import type { AmqpTriggerOptions } from './triggers/amqp.js';

/** The backend bootstrap proxy (high-templar's auth). */
export interface BootstrapOptions {
  /** The backend's API root, ending in `/`: `GET {apiUrl}bootstrap/` is asked about each connection. */
  readonly apiUrl: string;
  /** Dial the backend over this unix socket. */
  readonly apiSocket?: string;
  /** Extra or replaced forwarded headers; `null` drops a default one. */
  readonly forwardHeaders?: Readonly<Record<string, HeaderSource | null>>;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

/** Options of the HTTP trigger endpoint. */
export interface TriggerOptions {
  /** Shared secret, sent as `Authorization: Bearer <secret>` (or as a Basic-auth password). */
  readonly secret?: string;
  /** Accept unauthenticated triggers from loopback addresses. @default false */
  readonly allowLoopback?: boolean;
  /** @default '/trigger/' */
  readonly path?: string;
  /** Largest trigger body. @default 1 MiB */
  readonly maxBytes?: number;
}

/** The REST API over `models` (docs/rest.md). */
export interface RestOptions {
  /** Where the routes live: `<prefix><app>/<model>/`, and `<prefix>openapi.json`. @default '/api/' */
  readonly prefix?: string;
  /** Largest request body; larger ones get 413. @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** Query parameters the auth strategy reads (credentials): list filters ignore them. @default ['token', 'jwt_token'] */
  readonly authParams?: readonly string[];
}

/** Options of {@link createServer}. Every field is optional; the defaults run a single node in memory. */
export interface ServerOptions {
  /** The app's models (`roomcast/models`): their committed changes reach subscribers in every dialect. */
  readonly models?: Models;
  /** The REST API over `models`; `false` serves none. @default served at `/api/` when `models` is set */
  readonly rest?: RestOptions | false;
  /** @default 8080 */
  readonly port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** How clients are authenticated. @default the bootstrap proxy when `bootstrap` is set, else nobody (use `createAnonymousAuth(rooms)` to let everyone in) */
  readonly auth?: AuthStrategy;
  /** Authenticate against a django-binder style backend. */
  readonly bootstrap?: BootstrapOptions;
  /** Cross-node delivery. @default the memory layer (one node) */
  readonly layer?: Layer;
  /** The dialects served. @default [templar at /ws/, rohrpost at /ws/rohrpost/, and with `models` binding at /ws/binding/] */
  readonly dialects?: readonly Dialect[];
  /** Options of the default templar dialect. */
  readonly templar?: TemplarOptions;
  /** Options of the default rohrpost dialect. */
  readonly rohrpost?: RohrpostOptions;
  /** Options of the default binding dialect (served when `models` is set). */
  readonly binding?: Omit<BindingOptions, 'models'>;
  /** The HTTP trigger endpoint. Refuses every trigger until a secret or `allowLoopback` is set. */
  readonly trigger?: TriggerOptions;
  /** Consume django-binder triggers from RabbitMQ. */
  readonly amqp?: Omit<AmqpTriggerOptions, 'logger'>;
  /** Browser origins allowed to connect (`*`, exact origins, `https://*.example.com`). @default any */
  readonly allowOrigins?: readonly string[];
  /** Largest client message (its fragments together), at most {@link MAX_FRAME_BYTES_LIMIT}; a larger one closes the connection with 1009. @default 65536 */
  readonly maxFrameBytes?: number;
  /** Bytes queued for one client before the queue policy applies. @default 1048576 */
  readonly maxQueueBytes?: number;
  /**
   * A full queue closes the client as a slow consumer (4008, it reconnects and refetches), or drops its oldest
   * fan-out frames (replies are never dropped). @default 'close'
   */
  readonly queuePolicy?: QueuePolicy;
  /**
   * The longest room a client may subscribe to, in UTF-8 bytes of its canonical text (templar rooms and requestIds,
   * rohrpost group names, binding object keys), for each default dialect unless its own options say otherwise: the
   * server holds it for as long as the subscription lives. @default 1024
   */
  readonly maxRoomBytes?: number;
  /** Messages one client may send per second (sustained) and in a burst. @default { perSecond: 100, burst: 2000 } */
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number };
  /** Close a connection that sent nothing for this long; `0` never. @default 300000 (high-templar's 300 s) */
  readonly idleTimeoutMs?: number;
  /**
   * How long a client may take to send a request head (an HTTP request's or a WebSocket upgrade's), counted from
   * when it connected or began its next request; past that it gets 408 and the connection is closed, within a
   * tenth of this or a second, whichever is less. Bounds half-open clients (slowloris); at most
   * {@link TIMEOUT_LIMIT}; `0` never (heads are then bounded by `requestTimeoutMs` alone). @default 10000
   */
  readonly headersTimeoutMs?: number;
  /**
   * How long a client may take to send a whole request, head and body, counted as `headersTimeoutMs` is; past
   * that it gets 408 and the connection is closed, checked as often. Bounds bodies that trickle in (a trigger, a
   * REST write). Only the request's arrival is timed: a handler that takes longer once the request is in, a
   * keep-alive connection between requests (closed after fastify's 72 s idle timeout) and an upgraded WebSocket
   * are not affected. `0` never, else at least `headersTimeoutMs` (when that is not `0`); at most
   * {@link TIMEOUT_LIMIT}. @default 30000, or `headersTimeoutMs` when that is longer
   */
  readonly requestTimeoutMs?: number;
  /** On shutdown, how long clients and in-flight triggers get before sockets are destroyed. @default 5000 */
  readonly shutdownGraceMs?: number;
  /** Where roomcast logs. @default silent */
  readonly logger?: Logger;
  /** Adds routes to the HTTP server (the demo page does). */
  readonly routes?: (app: FastifyInstance) => void | Promise<void>;
}

/** The highest `maxFrameBytes` accepted: one message is held whole in memory before it is handled. */
export const MAX_FRAME_BYTES_LIMIT = 64 * 1024 * 1024;

/** The highest `headersTimeoutMs` and `requestTimeoutMs` accepted (the longest timer delay, about 24.8 days). */
export const TIMEOUT_LIMIT = 2 ** 31 - 1;

/** Defaults of {@link ServerOptions}. */
export const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  triggerPath: '/trigger/',
  maxTriggerBytes: 1024 * 1024,
  restPrefix: '/api/',
  maxRestBodyBytes: 1024 * 1024,
  restAuthParams: ['token', 'jwt_token'],
  maxFrameBytes: 64 * 1024,
  maxQueueBytes: 1024 * 1024,
  maxRoomBytes: 1024,
  queuePolicy: 'close',
  rateLimit: { perSecond: 100, burst: 2000 },
  idleTimeoutMs: 300_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  shutdownGraceMs: 5000,
} as const;
