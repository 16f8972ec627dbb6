/**
 * The local RabbitMQ for tests: availability check and a publisher that behaves like django-binder's trigger().
 */
import { connect, type ChannelModel } from 'amqplib';
import { skipUnlessRequired } from './server.js';

export const AMQP_URL = process.env.ROOMCAST_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672/';

/** `false` when the broker answers, else the skip reason (throws where services are required). */
export async function amqpSkip(): Promise<string | false> {
  try {
    const c = await connect(AMQP_URL, { timeout: 2000 });
    await c.close();
    return false;
  } catch (err) {
    return skipUnlessRequired('RabbitMQ', (err as Error).message);
  }
}

/** Publishes like django-binder: exchange, routing key `*`, JSON body, no properties. */
export async function binderTrigger(body: unknown, exchange = 'hightemplar'): Promise<void> {
  const c: ChannelModel = await connect(AMQP_URL);
  try {
    const ch = await c.createConfirmChannel();
    ch.publish(exchange, '*', Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
    await ch.waitForConfirms();
  } finally {
    await c.close();
  }
}
