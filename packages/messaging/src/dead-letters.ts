import { exchanges } from '@otk/contracts';
import amqp, { type GetMessage, type MessagePropertyHeaders } from 'amqplib';
import { headerNames } from './headers.js';
import { deadLetterQueueOf } from './topology.js';

/** What an operator sees of a parked message: never its payload, which may hold personal data. */
export interface ParkedMessage {
  messageId: string | undefined;
  type: string | undefined;
  reason: string | undefined;
  error: string | undefined;
  attempts: number | undefined;
}

export interface DeadLetterReport {
  queue: string;
  /** How many messages were parked when the work began. */
  parked: number;
  /** What was found, in queue order (up to `limit`). */
  messages: ParkedMessage[];
  /** Moved back to the consumer queue. */
  replayed: number;
  /** Removed for good (`discardInvalid`: parked as `invalid`). */
  discarded: number;
}

/**
 * Works through the dead-letter queue of the consumer queue `queue`, oldest first, up to `limit`
 * messages: `list` only looks (every message goes back where it was), `replay` sends each back
 * to its consumer queue through `redeliver` with its attempts counted from 1 again, and
 * `discardInvalid` removes the messages parked because they could not be read (those stay
 * unreadable), leaving the others. A message leaves the dead-letter queue only once the broker
 * has confirmed its replayed copy.
 */
export async function processDeadLetters(
  url: string,
  queue: string,
  options: { mode: 'list' | 'replay' | 'discardInvalid'; limit?: number },
): Promise<DeadLetterReport> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const connection = await amqp.connect(url);
  const report: DeadLetterReport = { queue, parked: 0, messages: [], replayed: 0, discarded: 0 };
  try {
    const channel = await connection.createConfirmChannel();
    // A failed operation rejects its own promise; the channel's 'error' event would be uncaught.
    channel.on('error', () => undefined);
    // Fails (404) for a queue that does not exist, rather than report it empty.
    report.parked = (await channel.checkQueue(deadLetterQueueOf(queue))).messageCount;
    // Only what is parked now: a replayed message its consumer parks again at once would otherwise
    // come round again and again within one replay.
    const upTo = options.mode === 'replay' ? Math.min(limit, report.parked) : limit;
    while (report.messages.length < upTo) {
      const message = await channel.get(deadLetterQueueOf(queue), { noAck: false });
      if (message === false) break;
      const parked = describe(message);
      report.messages.push(parked);
      if (options.mode === 'replay') {
        await new Promise<void>((resolve, reject) => {
          channel.publish(
            exchanges.redeliver,
            targetOf(message, queue),
            message.content,
            replayProperties(message),
            (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
          );
        });
        channel.ack(message);
        report.replayed += 1;
      } else if (options.mode === 'discardInvalid' && parked.reason === 'invalid') {
        channel.ack(message);
        report.discarded += 1;
      }
      // Otherwise the message stays unacknowledged: closing the channel puts it back in order.
    }
    await channel.close();
  } finally {
    await connection.close();
  }
  return report;
}

function describe(message: GetMessage): ParkedMessage {
  const headers = message.properties.headers ?? {};
  const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
  return {
    messageId: text(message.properties.messageId),
    type: text(message.properties.type),
    reason: text(headers[headerNames.deadLetterReason]),
    error: text(headers[headerNames.error]),
    attempts: headers[headerNames.attempt] === undefined ? undefined : Number(headers[headerNames.attempt]),
  };
}

/** The consumer queue that parked the message: `redeliver` routes by the queue's own name. */
function targetOf(message: GetMessage, queue: string): string {
  const parkedBy: unknown = message.properties.headers?.[headerNames.queue];
  return typeof parkedBy === 'string' && parkedBy.length > 0 ? parkedBy : queue;
}

/** The message as it was (id, type, trace context), its attempts from 1, the parking notes gone. */
function replayProperties(message: GetMessage): amqp.Options.Publish {
  const headers: MessagePropertyHeaders = { ...message.properties.headers };
  for (const name of [headerNames.deadLetterReason, headerNames.error, headerNames.queue]) delete headers[name];
  headers[headerNames.attempt] = 1;
  const { messageId, contentType, type, timestamp, appId } = message.properties;
  return { persistent: true, messageId, contentType, type, timestamp, appId, headers };
}
