/**
 * The CLI's flags, one table: each flag is also read from `ROOMCAST_<FLAG>` (e.g. `ROOMCAST_API_URL`) and from
 * the `--config` JSON file (same names, kebab-case or camelCase). Precedence: flag, environment, file, default.
 * Parsing, `--help` and the checks of a single value (type, range, choices) all come from this table: adding a
 * flag is adding its line here (and reading it in `options.ts`).
 *
 * @module
 */
import { MAX_FRAME_BYTES_LIMIT, TIMEOUT_LIMIT } from '../options.js';

/** How a flag's text becomes a value. */
export type FlagType = 'string' | 'int' | 'bool' | 'list';

/** One CLI flag. */
export interface Flag {
  readonly name: string;
  readonly type: FlagType;
  readonly help: string;
  /** Shown in --help; the server's own default applies when unset. */
  readonly default?: string;
  /** Placeholder in --help. */
  readonly arg?: string;
  /** `int` flags: the least value accepted. @default 0 */
  readonly min?: number;
  /** `int` flags: the largest value accepted. @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
  /** `int` flags: what 0 means, when it is accepted and means something special (shown with a range problem). */
  readonly zero?: string;
  /** `string` flags: the only values accepted. */
  readonly choices?: readonly string[];
  /** Added to a problem with the value: why the range is what it is, what to give instead. */
  readonly hint?: string;
}

/** Every flag of `roomcast serve` (and `roomcast demo`). */
export const FLAGS: readonly Flag[] = [
  { name: 'port', type: 'int', arg: 'N', default: '8080', max: 65535, zero: 'pick a free port', help: 'TCP port to listen on (0 picks a free one)' },
  { name: 'host', type: 'string', arg: 'ADDR', default: '127.0.0.1', help: 'interface to listen on; 0.0.0.0 for all' },
  { name: 'api-url', type: 'string', arg: 'URL', help: "backend API root ending in '/'; each connection is checked with GET {api-url}bootstrap/" },
  { name: 'api-socket', type: 'string', arg: 'PATH', help: 'reach the backend over this unix socket (the URL still gives path and Host)' },
  { name: 'forward-header', type: 'list', arg: 'SPEC', help: 'extra header for the bootstrap request: name=header:X | cookie:NAME | query:PARAM | value:TEXT, optional |PREFIX; name=none drops a default (repeatable)' },
  { name: 'bootstrap-timeout', type: 'int', arg: 'MS', default: '5000', help: 'give up on the backend after this long (upgrade fails with 504)' },
  { name: 'jwt-secret', type: 'string', arg: 'SECRET', help: 'authenticate with HS256 JWTs (?jwt_token=, ?token= or Authorization: Bearer); the allowed_rooms claim lists rooms' },
  { name: 'jwt-public-key', type: 'string', arg: 'FILE', help: 'authenticate with RS256 JWTs verified with this PEM public key' },
  { name: 'jwt-jwks-url', type: 'string', arg: 'URL', help: 'authenticate with RS256 JWTs verified with the key their kid names in this JSON Web Key Set (fetched on first use, refreshed every 10 min and on an unknown kid at most every 30 s)' },
  { name: 'allow-anonymous', type: 'bool', help: 'without --api-url, authorize everyone (with no rooms unless --anonymous-room)' },
  { name: 'anonymous-room', type: 'list', arg: 'JSON', help: 'a room every anonymous client may join, e.g. \'{"location":"*"}\' (repeatable)' },
  { name: 'models', type: 'string', arg: 'FILE', help: 'an ES module whose default export defines your models: export default (models) => { models.define({…}) }; missing tables are created at start' },
  { name: 'store', type: 'string', arg: 'URL', default: 'sqlite:./roomcast.db', help: 'where --models live: sqlite:<file>, sqlite::memory: or postgres://user@host:5432/db (roomcast demo keeps its orders in sqlite::memory: unless given)' },
  { name: 'layer', type: 'string', arg: 'KIND', default: 'memory', choices: ['memory', 'redis'], help: 'how nodes reach each other: memory (one process) or redis (many processes or machines)' },
  { name: 'redis-url', type: 'string', arg: 'URL', default: 'redis://127.0.0.1:6379', help: 'Redis for --layer redis (redis://, rediss:// for TLS)' },
  { name: 'redis-prefix', type: 'string', arg: 'PREFIX', default: 'roomcast:', help: 'prefix of every Redis channel, so several apps can share one Redis' },
  { name: 'redis-sharded', type: 'bool', help: 'use sharded pub/sub (SSUBSCRIBE/SPUBLISH; Redis 7, Redis Cluster)' },
  { name: 'amqp-url', type: 'string', arg: 'URL', help: 'consume django-binder triggers from RabbitMQ (amqp://user:pass@host:5672/vhost, amqps:// for TLS)' },
  { name: 'amqp-exchange', type: 'string', arg: 'NAME', default: 'hightemplar', help: 'direct exchange the triggers are published to' },
  { name: 'trigger-secret', type: 'string', arg: 'SECRET', help: 'secret for POST /trigger/ (Authorization: Bearer SECRET, or Basic auth password)' },
  { name: 'trigger-allow-loopback', type: 'bool', help: 'accept unauthenticated triggers from 127.0.0.0/8 and ::1' },
  { name: 'allow-origin', type: 'list', arg: 'ORIGIN', help: 'browser origin allowed to connect: exact, *, or https://*.example.com (repeatable; default any)' },
  { name: 'idle-timeout', type: 'int', arg: 'SECONDS', default: '300', zero: 'never', help: 'close connections silent this long (0 never)' },
  { name: 'headers-timeout', type: 'int', arg: 'MS', default: '10000', max: TIMEOUT_LIMIT, zero: 'only --request-timeout bounds it', help: 'a client that has not sent a whole request head (HTTP or WebSocket upgrade) this long after connecting or starting a request gets 408 and is disconnected (0: only --request-timeout bounds it)' },
  { name: 'request-timeout', type: 'int', arg: 'MS', default: '30000', max: TIMEOUT_LIMIT, zero: 'never', help: 'a client that has not sent a whole request (head and body) this long after starting it gets 408 and is disconnected; handlers, keep-alive connections and WebSockets are not timed (0 never; default at least --headers-timeout)' },
  { name: 'max-frame-bytes', type: 'int', arg: 'N', default: '65536', min: 125, max: MAX_FRAME_BYTES_LIMIT, hint: 'a control frame needs 125; one message is held whole in memory', help: 'largest client frame; larger closes with 1009' },
  { name: 'max-queue-bytes', type: 'int', arg: 'N', default: '1048576', help: 'bytes queued for a client before it is closed as a slow consumer (4008)' },
  { name: 'queue-policy', type: 'string', arg: 'POLICY', default: 'close', choices: ['close', 'drop-oldest'], help: 'when a client\'s queue is full: close (4008) or drop-oldest (its oldest fan-out frames)' },
  { name: 'rate-limit', type: 'int', arg: 'N', default: '100', min: 1, hint: '0 would rate-limit every message; for no practical limit give a high rate, e.g. 100000', help: 'messages per second a client may send, sustained (at least 1)' },
  { name: 'rate-burst', type: 'int', arg: 'N', default: '2000', min: 1, hint: '0 would rate-limit every message; for no practical limit give a high burst, e.g. 100000', help: 'messages a client may send in a burst (at least 1)' },
  { name: 'max-subscriptions', type: 'int', arg: 'N', default: '10000', help: 'subscriptions per connection (templar rooms, rohrpost groups, binding streams and objects)' },
  { name: 'max-room-bytes', type: 'int', arg: 'N', default: '1024', min: 1, help: 'longest room a client may subscribe to, in bytes of its JSON (templar rooms and requestIds, rohrpost groups, binding keys)' },
  { name: 'no-status', type: 'bool', help: 'refuse the templar status action (it shows node-wide counters)' },
  { name: 'shutdown-grace', type: 'int', arg: 'SECONDS', default: '5', help: 'on SIGTERM or SIGINT, time for clients and in-flight triggers before sockets are destroyed' },
  { name: 'log-level', type: 'string', arg: 'LEVEL', default: 'info', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], help: 'fatal, error, warn, info, debug, trace or silent' },
  { name: 'log-format', type: 'string', arg: 'FORMAT', default: 'auto', choices: ['auto', 'json', 'pretty'], help: 'json: one pino JSON object a line; pretty: readable lines and a start-up summary; auto: pretty on a terminal, else json' },
  { name: 'config', type: 'string', arg: 'FILE', help: 'JSON file with any of these settings' },
];

/** `api-url` → `ROOMCAST_API_URL` */
export function envName(flag: string): string {
  return `ROOMCAST_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** `apiUrl` or `api_url` → `api-url` */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, '-');
}

/**
 * The default of flag `name` as {@link FLAGS} writes it (what `--help` shows), for code that describes or applies
 * it: the table is its one place.
 * @throws Error when there is no such flag or it has no default (a mistake in roomcast, not in the input)
 */
export function flagDefault(name: string): string {
  const value = FLAGS.find((f) => f.name === name)?.default;
  if (value === undefined) throw new Error(`--${name} has no default in FLAGS`);
  return value;
}
