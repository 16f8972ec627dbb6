/**
 * Process-wide counters, read by the templar `status` action and `/healthz`.
 *
 * @module
 */

/** Counters of one server. Mutable on purpose: incremented in hot paths without allocation. */
export interface Stats {
  readonly onlineSince: Date;
  /** Application frames received from clients. */
  received: number;
  /** Frames handed to sockets. */
  sent: number;
  /** Frames that could not be sent (socket closing, slow consumer). */
  sendErrors: number;
  /** Triggers received over AMQP. */
  amqpReceived: number;
  /** Triggers received over HTTP. */
  httpTriggers: number;
  /** Connections closed because their outbound queue overflowed. */
  slowConsumers: number;
  /** Fan-out frames dropped (oldest first) from overflowing queues, under the `drop-oldest` policy. */
  dropped: number;
}

/** Fresh counters. */
export function createStats(): Stats {
  return {
    onlineSince: new Date(),
    received: 0,
    sent: 0,
    sendErrors: 0,
    amqpReceived: 0,
    httpTriggers: 0,
    slowConsumers: 0,
    dropped: 0,
  };
}
