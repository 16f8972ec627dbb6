/**
 * The Redis layer: joins roomcast nodes through Redis pub/sub. It stays dumb (STYLE.md): membership and fan-out
 * stay in each node's hub; this only carries envelopes between nodes.
 *
 * - One channel per group, subscribed by a node only while it has a local member (interest on first join, off
 *   on last leave): a room with members on one node costs the others nothing.
 * - One channel per node, for messages to that node or one of its connections.
 * - Envelopes are stamped with their origin; a node never delivers its own publish twice.
 * - While Redis is away, local delivery goes on; publishes to other nodes fail loudly (log + counter); on
 *   reconnect every group with local members is subscribed again. Delivery across nodes is at most once: what
 *   is published while Redis is down is lost.
 * - Optionally sharded pub/sub (`SSUBSCRIBE`/`SPUBLISH`, Redis 7 and Redis Cluster).
 *
 * @example
 * import { createServer } from 'roomcast';
 * import { createRedisLayer } from 'roomcast/redis';
 * createServer({ layer: createRedisLayer({ url: 'redis://127.0.0.1:6379', prefix: 'myapp:' }) });
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Envelope } from '../core/envelope.js';
import { hideCredentials, silentLogger, type Logger } from '../log.js';
import { decodeWire, encodeDirect, encodeEnvelope } from './redis-wire.js';
import type { DirectMessage, Layer, LayerCounters, LayerSink, LayerStatus } from './layer.js';

/** Options of {@link createRedisLayer}. */
export interface RedisLayerOptions {
  /** @default 'redis://127.0.0.1:6379' */
  readonly url?: string;
  /** Prefix of every channel, so several apps can share one Redis. @default 'roomcast:' */
  readonly prefix?: string;
  /** Use sharded pub/sub (Redis ≥ 7, Redis Cluster). @default false */
  readonly sharded?: boolean;
  /** This node's id. @default a random UUID */
  readonly nodeId?: string;
  readonly logger?: Logger;
}

/** Counters of the Redis layer, for status and metrics. */
export interface RedisLayerStats extends LayerCounters {
  published: number;
  publishErrors: number;
  received: number;
  /** Channel messages that were not roomcast's. */
  malformed: number;
}

/** A Redis layer with its counters. */
export interface RedisLayer extends Layer {
  readonly stats: RedisLayerStats;
}

/**
 * The layer's `/healthz` detail while Redis is not ready, from the states of its two connections (ioredis'
 * `connecting`, `reconnecting`, `end`…). `where` is the URL with its password already masked
 * ({@link hideCredentials}, once per layer): `/healthz` needs no credentials.
 *
 * @example
 * redisDownDetail('reconnecting', 'reconnecting', 'redis://:***@10.0.0.5:6379');
 * // 'redis at redis://:***@10.0.0.5:6379 is not ready (both connections reconnecting): cross-node delivery is down, local delivery continues'
 */
export function redisDownDetail(publisher: string, subscriber: string, where: string): string {
  const states = publisher === subscriber ? `both connections ${publisher}` : `publishing connection ${publisher}, subscribing connection ${subscriber}`;
  return `redis at ${where} is not ready (${states}): cross-node delivery is down, local delivery continues`;
}

/** Creates the Redis layer. Nothing connects until the server attaches it. */
export function createRedisLayer(options: RedisLayerOptions = {}): RedisLayer {
  const url = options.url ?? 'redis://127.0.0.1:6379';
  // What logs and /healthz show: the URL without its password (redis://user:pass@host).
  const where = hideCredentials(url);
  const prefix = options.prefix ?? 'roomcast:';
  const sharded = options.sharded ?? false;
  const nodeId = options.nodeId ?? randomUUID();
  const logger = options.logger ?? silentLogger;
  const groupChannel = (group: string): string => `${prefix}g:${group}`;
  const nodeChannel = (node: string): string => `${prefix}n:${node}`;
  const own = nodeChannel(nodeId);
  const interest = new Set<string>();
  const stats: RedisLayerStats = { published: 0, publishErrors: 0, received: 0, malformed: 0 };
  let sink: LayerSink | undefined;
  let lastErrorLog = 0;
  let suppressed = 0;

  // Publishes fail at once while Redis is away (no offline queue that would grow without bound).
  const pub = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, enableAutoPipelining: true, maxRetriesPerRequest: 0 });
  // Subscriptions are ours to restore: on every (re)connect the whole interest set is subscribed again.
  const sub = new Redis(url, { lazyConnect: true, autoResubscribe: false, enableOfflineQueue: false, maxRetriesPerRequest: 0 });

  const failed = (what: string, err: unknown): void => {
    // Loud, but at most one line a second: a Redis outage must not flood the log.
    const now = Date.now();
    if (now - lastErrorLog < 1000) {
      suppressed++;
      return;
    }
    logger.error({ err: (err as Error).message, url: where, suppressed }, `redis layer: ${what} failed`);
    lastErrorLog = now;
    suppressed = 0;
  };
  const subscribe = (channels: string[]): void => {
    if (channels.length === 0 || sub.status !== 'ready') return;
    const done = sharded ? sub.ssubscribe(...channels) : sub.subscribe(...channels);
    done.catch((err: unknown) => failed('subscribe', err));
  };
  const unsubscribe = (channel: string): void => {
    if (sub.status !== 'ready') return;
    const done = sharded ? sub.sunsubscribe(channel) : sub.unsubscribe(channel);
    done.catch((err: unknown) => failed('unsubscribe', err));
  };
  const send = (channel: string, message: string): void => {
    const done = sharded ? pub.spublish(channel, message) : pub.publish(channel, message);
    stats.published++;
    done.catch((err: unknown) => {
      stats.publishErrors++;
      failed('publish', err);
    });
  };
  const onMessage = (channel: string, message: string): void => {
    stats.received++;
    const decoded = decodeWire(message);
    if (decoded === undefined) {
      stats.malformed++;
      return;
    }
    if (decoded.kind === 'direct') {
      if (channel === own) sink?.direct(decoded.message);
      return;
    }
    if (decoded.envelope.origin === nodeId) return; // published here, already delivered locally
    sink?.deliver(decoded.envelope);
  };

  sub.on(sharded ? 'smessage' : 'message', onMessage);
  sub.on('ready', () => {
    subscribe([own, ...[...interest].map(groupChannel)]);
    logger.info({ url: where, groups: interest.size }, 'redis layer: subscribed');
  });
  for (const client of [pub, sub]) client.on('error', (err: unknown) => failed('connection', err));

  return {
    nodeId,
    stats,

    async attach(s: LayerSink): Promise<void> {
      sink = s;
      // Not fatal when Redis is down at start: local delivery works, and the clients keep retrying.
      await Promise.all([pub.connect(), sub.connect()]).catch((err: unknown) => failed('connect', err));
    },

    publish(envelope: Envelope): void {
      // One message per group: each node subscribed to that group's channel delivers it to its own members.
      for (const group of envelope.groups) send(groupChannel(group), encodeEnvelope(envelope, group, nodeId));
    },

    interest(group: string, on: boolean): void {
      if (on) {
        interest.add(group);
        subscribe([groupChannel(group)]);
      } else if (interest.delete(group)) {
        unsubscribe(groupChannel(group));
      }
    },

    send(message: DirectMessage): void {
      send(nodeChannel(message.node), encodeDirect(message));
    },

    status(): LayerStatus {
      const ok = pub.status === 'ready' && sub.status === 'ready';
      return {
        kind: sharded ? 'redis (sharded)' : 'redis',
        ok,
        detail: ok
          ? `${interest.size} group channel(s) subscribed; ${stats.publishErrors} publish error(s) so far`
          : redisDownDetail(pub.status, sub.status, where),
      };
    },

    async close(): Promise<void> {
      sink = undefined;
      interest.clear();
      await Promise.all([pub.quit().catch(() => pub.disconnect()), sub.quit().catch(() => sub.disconnect())]);
    },
  };
}
