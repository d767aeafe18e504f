import type { Channel, ConsumeMessage } from 'amqplib';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Logger } from 'pino';

/** What becomes of a delivery: `ack` once it is handled or handed on, `requeue` to have it again. */
export type Outcome = 'ack' | 'requeue';

/**
 * A handler failed with an untrusted error: the delivery is settled as `settle` says, and then
 * the process must end (`onUntrusted`), since its state is no longer known.
 */
export interface Fatal {
  settle: Outcome;
  error: unknown;
}

export interface QueueConsumerOptions {
  queue: string;
  prefetch: number;
  logger: Logger;
  /** Declares the queue and what it needs; runs on every new channel, so after every reconnect. */
  declare(channel: Channel): Promise<void>;
  handle(message: ConsumeMessage): Promise<Outcome | Fatal>;
  /** The broker closed the channel or cancelled the consumer while the connection stayed up. */
  onBroken(error: Error): void;
  /** Called once a `Fatal` delivery is settled. */
  onUntrusted(error: unknown): void;
}

/**
 * Consumes one queue on a channel of its own, so its prefetch is its own. The consumer is started
 * in the channel's setup, hence again after every reconnect. Each delivery is acked on the channel
 * it came from: after a reconnect an old delivery tag means nothing on the new channel (acking it
 * there would close the channel), and the broker requeues what the old channel left unacked.
 */
export class QueueConsumer {
  private readonly channel: ChannelWrapper;
  /** Resolves once the consumer is consuming; rejects if its setup (declaring the queue) failed. */
  readonly started: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private active: { channel: Channel; consumerTag: string } | undefined;
  private cancelled = false;
  /** Set by `halt`: deliveries still arriving are put back untouched instead of handled. */
  private halted = false;

  constructor(
    manager: AmqpConnectionManager,
    private readonly options: QueueConsumerOptions,
  ) {
    this.channel = manager.createChannel({
      name: options.queue,
      confirm: false,
      setup: (channel: Channel) => this.setup(channel),
    });
    this.channel.on('error', (error) =>
      options.logger.error({ err: error, queue: options.queue }, 'consumer setup failed'),
    );
    // Listening from the start: the channel's first 'connect' or 'error' may come before anyone awaits.
    this.started = new Promise((resolve, reject) => {
      const onConnect = () => {
        this.channel.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        this.channel.off('connect', onConnect);
        reject(error);
      };
      this.channel.once('connect', onConnect);
      this.channel.once('error', onError);
    });
  }

  /** Stops new deliveries, now and after reconnects. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    const active = this.active;
    this.active = undefined;
    if (active) await cancelQuietly(active.channel, active.consumerTag);
  }

  /**
   * Stops new deliveries and puts back (requeues) any that still arrive unhandled: after an
   * untrusted error nothing more is handled by this process.
   */
  async halt(): Promise<void> {
    this.halted = true;
    await this.cancel();
  }

  /** Resolves once every delivery taken so far is settled. */
  async drained(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private async setup(channel: Channel): Promise<void> {
    channel.on('error', (error: Error) => this.options.onBroken(error));
    await this.options.declare(channel);
    if (this.cancelled) return;
    await channel.prefetch(this.options.prefetch);
    const { consumerTag } = await channel.consume(this.options.queue, (message) => {
      if (message && this.halted) requeueQuietly(channel, message);
      else if (message) this.track(this.process(channel, message));
      else this.options.onBroken(new Error(`the broker cancelled the consumer of ${this.options.queue}`));
    });
    // cancel() may have run while the consumer was being set up.
    if (this.cancelled) await cancelQuietly(channel, consumerTag);
    else this.active = { channel, consumerTag };
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async process(channel: Channel, message: ConsumeMessage): Promise<void> {
    let result: Outcome | Fatal;
    try {
      result = await this.options.handle(message);
    } catch (error) {
      // Handlers settle every message themselves; this is the safety net that keeps a bug from
      // leaving a delivery unacked (and its prefetch slot taken) for the life of the channel.
      this.options.logger.error(
        { err: error, queue: this.options.queue, messageId: message.properties.messageId },
        'message handling failed',
      );
      result = 'requeue';
    }
    const outcome = typeof result === 'string' ? result : result.settle;
    if (outcome === 'ack') {
      try {
        channel.ack(message);
      } catch {
        // The channel closed since the delivery: the broker requeues the message by itself.
      }
    } else requeueQuietly(channel, message);
    if (typeof result !== 'string') this.options.onUntrusted(result.error);
  }
}

function requeueQuietly(channel: Channel, message: ConsumeMessage): void {
  try {
    channel.nack(message, false, true);
  } catch {
    // The channel closed since the delivery: the broker requeues the message by itself.
  }
}

async function cancelQuietly(channel: Channel, consumerTag: string): Promise<void> {
  try {
    await channel.cancel(consumerTag);
  } catch {
    // The channel is gone, and with it the consumer.
  }
}
