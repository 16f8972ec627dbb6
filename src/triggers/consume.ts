/**
 * The AMQP trigger consumer of a server: each message body is decoded as a trigger and published; a bad one is
 * dropped alone. amqplib is loaded only here, so servers without AMQP never load it.
 *
 * @example
 * const source = await createTriggerConsumer({ url: 'amqp://guest:guest@127.0.0.1:5672/' }, { logger, stats, publish });
 * source.start();
 *
 * @module
 */
import type { Stats } from '../core/stats.js';
import type { Logger } from '../log.js';
import type { AmqpTriggerOptions, AmqpTriggerSource } from './amqp.js';
import { decodeTrigger, type Trigger } from './decode.js';

/** Where consumed triggers go. */
export interface TriggerSink {
  readonly logger: Logger;
  readonly stats: Stats;
  publish(trigger: Trigger): void;
}

/** Loads amqplib and creates the consumer; nothing connects until its `start`. */
export async function createTriggerConsumer(options: Omit<AmqpTriggerOptions, 'logger'>, sink: TriggerSink): Promise<AmqpTriggerSource> {
  const { logger, stats } = sink;
  const { createAmqpTriggerSource } = await import('./amqp.js');
  return createAmqpTriggerSource({ ...options, logger }, (body: string) => {
    stats.amqpReceived++;
    const trigger = decodeTrigger(body);
    // One bad message is dropped alone; its content may be private, so only its size is logged.
    if ('error' in trigger) logger.warn({ error: trigger.error, bytes: body.length }, 'AMQP trigger dropped');
    else sink.publish(trigger);
  });
}
