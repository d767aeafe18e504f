import { AppError } from '@otk/contracts';
import type { Channel, Options } from 'amqplib';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { declareExchanges } from './topology.js';

/** How long to wait before sending again after the broker refused a message or the channel fell. */
const RESEND_PAUSE_MS = 100;

/**
 * Publishes on one confirm channel and resolves only once the broker has confirmed. While the
 * connection is down, amqp-connection-manager holds messages back until it is up again.
 */
export class Publisher {
  private readonly channel: ChannelWrapper;

  constructor(
    manager: AmqpConnectionManager,
    private readonly options: { isClosed: () => boolean; onChannelError: (error: Error) => void; logger: Logger },
  ) {
    this.channel = manager.createChannel({
      name: 'publisher',
      confirm: true,
      setup: async (channel: Channel) => {
        channel.on('error', options.onChannelError);
        await declareExchanges(channel);
      },
    });
    this.channel.on('error', (error) => options.logger.error({ err: error }, 'publisher channel setup failed'));
  }

  /** Resolves once the channel is open and the exchanges are declared. */
  ready(): Promise<void> {
    return this.channel.waitForConnect();
  }

  /** Runs `setup` now (if connected) and on every new channel, so what it declares survives reconnects. */
  addSetup(setup: (channel: Channel) => Promise<void>): Promise<void> {
    return this.channel.addSetup(setup);
  }

  /**
   * Sends until the broker confirms or `timeoutMs` runs out. A message in flight when its channel
   * fell may or may not have arrived; it is sent again (at-least-once: consumers dedupe by id).
   */
  async send(
    exchange: string,
    routingKey: string,
    content: Buffer,
    properties: Options.Publish,
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.options.isClosed()) throw new AppError('UNAVAILABLE', 'the broker connection is closed');
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) {
        throw new AppError('UNAVAILABLE', `no confirm from the broker within ${timeoutMs} ms`, {
          exchange,
          routingKey,
        });
      }
      try {
        await this.channel.publish(exchange, routingKey, content, { ...properties, timeout: remainingMs });
        return;
      } catch {
        // A timeout, a nack or a fallen channel: the loop decides whether time is left to try again.
        await sleep(Math.min(RESEND_PAUSE_MS, Math.max(deadline - Date.now(), 0)));
      }
    }
  }
}
