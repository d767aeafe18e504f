import type { EventType } from '@otk/contracts';
import amqp from 'amqplib';
import { declareSubscriptionQueue } from './topology.js';

/**
 * Which events a consumer queue receives. Declare it with its literal keys (`satisfies
 * Subscription`), so that `consumeEvents` can ask for exactly one handler per key.
 */
export interface Subscription<K extends EventType = EventType> {
  queue: string;
  routingKeys: readonly K[];
}

/**
 * Declares the consumer queues of a service and their bindings, once, over a short-lived
 * connection. The migration job runs it before the service's first start, so no event published
 * in between is lost.
 */
export async function declareSubscriptions(url: string, subscriptions: readonly Subscription[]): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    for (const subscription of subscriptions) await declareSubscriptionQueue(channel, subscription);
    await channel.close();
  } finally {
    await connection.close();
  }
}
