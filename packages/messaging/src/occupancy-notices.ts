import { exchanges, occupancyNoticeType, type OccupancyNotice, parseOccupancyNotice } from '@otk/contracts';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { MessagingMetrics } from './metrics.js';
import type { Outcome } from './queue-consumer.js';

/** The label of the notice queues in metrics: each replica's queue has a name of its own. */
export const noticeQueueLabel = 'occupancy';
/** A notice older than this is of no use: its event has long been applied. */
const NOTICE_TTL_MS = 10_000;
/** Bounds a replica's backlog while it is too busy to follow: the oldest notices go first. */
const NOTICE_QUEUE_MAX = 10_000;

/**
 * The queue of one replica: bound to the `occupancy` fanout exchange, exclusive to its connection
 * and gone with it (a new one is declared on reconnect). Notices missed meanwhile are covered by
 * the events; nothing here is kept.
 */
export async function declareNoticeQueue(channel: Channel, queue: string): Promise<void> {
  await channel.assertExchange(exchanges.occupancy, 'fanout', { durable: true });
  await channel.assertQueue(queue, {
    durable: false,
    exclusive: true,
    autoDelete: true,
    arguments: { 'x-message-ttl': NOTICE_TTL_MS, 'x-max-length': NOTICE_QUEUE_MAX },
  });
  await channel.bindQueue(queue, exchanges.occupancy, '');
}

/**
 * Hands each notice to `follow` and acks it. A notice that is not valid, or of a version this
 * replica does not know, is dropped (counted and logged with its id): a hint is never retried.
 */
export function noticeHandler(
  follow: (notice: OccupancyNotice) => void,
  context: { metrics: MessagingMetrics; logger: Logger },
): (message: ConsumeMessage) => Promise<Outcome> {
  return async (message) => {
    let outcome = 'ack';
    if (message.properties.type !== occupancyNoticeType) outcome = 'dropped';
    else {
      const parsed = parseOccupancyNotice(parseJson(message.content));
      if (parsed.ok) follow(parsed.value);
      else outcome = 'dropped';
    }
    if (outcome === 'dropped') {
      context.logger.warn({ messageId: message.properties.messageId }, 'occupancy notice not understood; dropped');
    }
    context.metrics.messages.inc({ queue: noticeQueueLabel, outcome });
    return 'ack';
  };
}

function parseJson(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
}
