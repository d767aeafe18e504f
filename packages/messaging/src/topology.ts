import { exchangeOf, exchanges } from '@otk/contracts';
import type { Channel } from 'amqplib';
import { headerNames } from './headers.js';

/**
 * Every durable queue is a quorum queue: replicated, and since RabbitMQ 3.10 it supports message
 * TTL and at-least-once dead-lettering, which the delay queues rely on.
 */
const quorum = { 'x-queue-type': 'quorum' };

/** Where a delay queue sends a message when its time is up. */
export type DelayTarget = typeof exchanges.events | typeof exchanges.redeliver;

export const deadLetterQueueOf = (queue: string): string => `${queue}.dlq`;

/** `delay.<ms>` for delayed events, `retry.<ms>` for consumer retries. */
export function delayQueueOf(target: DelayTarget, delayMs: number): string {
  return `${target === exchanges.events ? 'delay' : 'retry'}.${delayMs}`;
}

export async function declareExchanges(channel: Channel): Promise<void> {
  await channel.assertExchange(exchanges.events, 'topic', { durable: true });
  await channel.assertExchange(exchanges.notices, 'direct', { durable: true });
  await channel.assertExchange(exchanges.redeliver, 'direct', { durable: true });
  await channel.assertExchange(exchanges.delay, 'headers', { durable: true });
  await channel.assertExchange(exchanges.occupancy, 'fanout', { durable: true });
}

/**
 * A delay queue holds each message for `delayMs`, then dead-letters it into `target` with the
 * routing key it was published with — there is deliberately no `x-dead-letter-routing-key`, so one
 * queue serves every routing key. Published straight to the queue, a message would carry the
 * queue's name as its key; it comes in through the `delay` headers exchange instead, which routes
 * on a header and leaves the key alone. At-least-once dead-lettering (it needs `reject-publish`)
 * keeps a message whose delay ran out until its target has it. A message whose key no queue is
 * bound to when its delay runs out is dropped, as any unroutable publish would be.
 */
export async function declareDelayQueue(channel: Channel, target: DelayTarget, delayMs: number): Promise<string> {
  const queue = delayQueueOf(target, delayMs);
  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      ...quorum,
      'x-message-ttl': delayMs,
      'x-dead-letter-exchange': target,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    },
  });
  await channel.bindQueue(queue, exchanges.delay, '', { 'x-match': 'all', [headerNames.delayQueue]: queue });
  return queue;
}

/**
 * A consumer's queue takes its events from `events` (notices from `notices`) and its own retries from `redeliver` (bound
 * with its own name, so a retry reaches this queue only), next to its dead-letter queue. Declared
 * by the service's migration job too, so that events published before the consumer first runs
 * wait in it rather than being dropped as unroutable.
 */
export async function declareSubscriptionQueue(
  channel: Channel,
  spec: { queue: string; routingKeys: readonly string[] },
): Promise<void> {
  await declareExchanges(channel);
  await channel.assertQueue(spec.queue, { durable: true, arguments: quorum });
  for (const key of spec.routingKeys) await channel.bindQueue(spec.queue, exchangeOf(key), key);
  await channel.bindQueue(spec.queue, exchanges.redeliver, spec.queue);
  await channel.assertQueue(deadLetterQueueOf(spec.queue), { durable: true, arguments: quorum });
}

/** A consumer's queue (see above) and the retry delay queues it will use. */
export async function declareEventQueue(
  channel: Channel,
  spec: { queue: string; routingKeys: readonly string[]; retryDelaysMs: readonly number[] },
): Promise<void> {
  await declareSubscriptionQueue(channel, spec);
  for (const delayMs of new Set(spec.retryDelaysMs)) await declareDelayQueue(channel, exchanges.redeliver, delayMs);
}

export async function declareCommandQueue(channel: Channel, queue: string): Promise<void> {
  await channel.assertQueue(queue, { durable: true, arguments: quorum });
}
