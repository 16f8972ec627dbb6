/**
 * Consumes django-binder / high-templar 3.x triggers from RabbitMQ (high-templar dossier §1.10): the exchange is
 * declared exactly as high-templar declares it (direct, non-durable, not auto-delete) so mixed fleets agree, and
 * each process binds its own exclusive queue with the literal routing key `*`, so every process gets every
 * trigger. The connection comes back by itself, with exponential backoff and jitter.
 *
 * @example
 * const source = createAmqpTriggerSource({ url: 'amqp://guest:guest@127.0.0.1:5672/' }, (body) => publish(body));
 * source.start();
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { hideCredentials, silentLogger, type Logger } from '../log.js';

/** Options of {@link createAmqpTriggerSource}. */
export interface AmqpTriggerOptions {
  /** `amqp://` or `amqps://` URL: credentials, host, port, vhost and TLS all come from it. */
  readonly url: string;
  /** @default 'hightemplar' (django-binder hard-codes it) */
  readonly exchange?: string;
  /** Binding key on the direct exchange. @default '*' (literal, as binder publishes) */
  readonly routingKey?: string;
  /** Prefix of this process's exclusive queue; a random UUID follows. @default 'roomcast_' */
  readonly queuePrefix?: string;
  /** Reconnect backoff bounds. @default { minMs: 500, maxMs: 10000 } */
  readonly reconnect?: { readonly minMs: number; readonly maxMs: number };
  readonly logger?: Logger;
}

/** Whether the source is consuming. */
export interface AmqpTriggerStatus {
  readonly connected: boolean;
  readonly detail: string;
}

/** A running consumer. */
export interface AmqpTriggerSource {
  /** Starts connecting in the background; keeps reconnecting until {@link stop}. Never throws. */
  start(): void;
  /** Resolves once consuming; rejects after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>;
  /** Stops consuming, waits for the message in hand, closes the connection. Idempotent. */
  stop(): Promise<void>;
  status(): AmqpTriggerStatus;
}

/**
 * Creates the consumer. `onMessage` gets each body as UTF-8 text, one message at a time, in order; if it throws,
 * that is logged and the message is still acknowledged (a poison message must not loop).
 */
export function createAmqpTriggerSource(
  options: AmqpTriggerOptions,
  onMessage: (body: string) => void | Promise<void>,
): AmqpTriggerSource {
  const exchange = options.exchange ?? 'hightemplar';
  const routingKey = options.routingKey ?? '*';
  const queue = `${options.queuePrefix ?? 'roomcast_'}${randomUUID()}`;
  const { minMs, maxMs } = options.reconnect ?? { minMs: 500, maxMs: 10_000 };
  const logger = options.logger ?? silentLogger;
  const where = hideCredentials(options.url);

  let connection: ChannelModel | undefined;
  let channel: Channel | undefined;
  let consumerTag: string | undefined;
  let started = false;
  let stopped = false;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let detail = 'not started';
  let handling: Promise<void> = Promise.resolve();
  const waiters = new Set<() => void>();

  const connected = (): boolean => consumerTag !== undefined;

  const handle = async (msg: ConsumeMessage | null, ch: Channel): Promise<void> => {
    if (msg === null) return; // the broker cancelled the consumer; the close handler reconnects
    try {
      await onMessage(msg.content.toString('utf8'));
    } catch (err) {
      logger.error({ err, exchange }, 'AMQP trigger handler failed; message dropped');
    }
    try {
      ch.ack(msg);
    } catch {
      // the channel closed meanwhile: the message is gone with the exclusive queue
    }
  };

  const lost = (reason: string): void => {
    if (connection === undefined && channel === undefined && consumerTag === undefined) return;
    connection = undefined;
    channel = undefined;
    consumerTag = undefined;
    detail = reason;
    if (!stopped) {
      logger.warn({ url: where, reason }, 'AMQP connection lost; reconnecting');
      schedule();
    }
  };

  const schedule = (): void => {
    if (stopped || retryTimer !== undefined) return;
    const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 16));
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    attempt++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void open();
    }, delay);
    retryTimer.unref();
  };

  const open = async (): Promise<void> => {
    let conn: ChannelModel | undefined;
    try {
      conn = await connect(options.url, { clientProperties: { connection_name: `roomcast ${queue}` } });
      if (stopped) {
        await conn.close().catch(() => {});
        return;
      }
      conn.on('error', (err: Error) => logger.warn({ url: where, err: err.message }, 'AMQP connection error'));
      conn.on('close', () => lost('connection closed'));
      const ch = await conn.createChannel();
      ch.on('error', (err: Error) => logger.error({ url: where, err: err.message }, 'AMQP channel error'));
      ch.on('close', () => {
        if (!stopped) void conn?.close().catch(() => {});
      });
      await ch.assertExchange(exchange, 'direct', { durable: false, autoDelete: false });
      await ch.assertQueue(queue, { exclusive: true, durable: false });
      await ch.bindQueue(queue, exchange, routingKey);
      await ch.prefetch(100);
      const { consumerTag: tag } = await ch.consume(queue, (msg) => {
        handling = handling.then(() => handle(msg, ch));
      });
      connection = conn;
      channel = ch;
      consumerTag = tag;
      attempt = 0;
      detail = `consuming ${exchange} (key ${routingKey}) on ${where}`;
      logger.info({ url: where, exchange, queue }, 'AMQP triggers: connected');
      for (const wake of waiters) wake();
    } catch (err) {
      detail = `cannot consume: ${(err as Error).message}`;
      // PRECONDITION_FAILED here means the exchange exists with other settings (e.g. durable): say so plainly.
      logger.error({ url: where, exchange, err: (err as Error).message }, 'AMQP triggers: connect failed; retrying');
      await conn?.close().catch(() => {});
      schedule();
    }
  };

  return {
    start() {
      if (started) return;
      started = true;
      detail = 'connecting';
      void open();
    },

    ready(timeoutMs = 10_000) {
      if (connected()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const wake = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`AMQP not ready within ${timeoutMs} ms: ${detail}`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(retryTimer);
      const ch = channel;
      const conn = connection;
      const tag = consumerTag;
      channel = undefined;
      connection = undefined;
      consumerTag = undefined;
      if (ch !== undefined && tag !== undefined) await ch.cancel(tag).catch(() => {});
      await handling;
      await conn?.close().catch(() => {});
      detail = 'stopped';
    },

    status() {
      return { connected: connected(), detail };
    },
  };
}
