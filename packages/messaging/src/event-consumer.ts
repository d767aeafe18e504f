import { type Event, exchanges, parseEvent } from '@otk/contracts';
import { SpanKind } from '@opentelemetry/api';
import type { ConsumeMessage, MessagePropertyHeaders, Options } from 'amqplib';
import type { Logger } from 'pino';
import type { HandlerContext } from './handler-context.js';
import { attemptOf, headerNames } from './headers.js';
import { type MessagingMetrics, observeEventLag } from './metrics.js';
import type { Publisher } from './publisher.js';
import type { Outcome } from './queue-consumer.js';
import type { ErrorTranslator } from './rpc-server.js';
import { deadLetterQueueOf, delayQueueOf } from './topology.js';
import { contextFromHeaders, inSpan } from './tracing.js';
import type { Subscription } from './subscriptions.js';

/** `queue` is the consumer's own durable queue, bound to `events` for `routingKeys`. */
export interface EventConsumerSpec extends Subscription {
  /** Resolves: the event is done and acked. Throws: it comes back after a delay, to this queue only. */
  handler: (event: Event, ctx: HandlerContext) => Promise<void>;
  /** Deliveries before a failing event is parked in `<queue>.dlq`; default 5. */
  maxAttempts?: number;
  /** Wait before attempt n+1 is `retryDelaysMs[n-1]` (the last one repeats); default 1 s, 5 s, 30 s, 2 min. */
  retryDelaysMs?: number[];
}

export const defaultMaxAttempts = 5;
export const defaultRetryDelaysMs = [1000, 5000, 30000, 120000];

/** Confirms for retries and parked messages wait as long as those of ordinary publishes. */
const HAND_ON_TIMEOUT_MS = 10000;
/** Error messages travel in a header; headers share a 64 KiB frame table. */
const MAX_ERROR_LENGTH = 1000;

/**
 * Turns one delivery into an outcome: a message that is not a valid event is parked at once; a
 * valid one runs the handler; a failure is sent back to this queue after a delay or, out of
 * attempts, parked. The original is acked only once its retry or parked copy is confirmed, so
 * nothing accepted is lost; if that copy cannot be sent, the original is requeued instead.
 */
export function eventHandler(
  spec: Required<EventConsumerSpec>,
  deps: { publisher: Publisher; metrics: MessagingMetrics; logger: Logger; translateError: ErrorTranslator },
): (message: ConsumeMessage) => Promise<Outcome> {
  const { queue } = spec;
  const { publisher, metrics } = deps;
  const logger = deps.logger.child({ queue });

  async function handOn(
    message: ConsumeMessage,
    exchange: string,
    routingKey: string,
    headers: MessagePropertyHeaders,
  ): Promise<boolean> {
    try {
      await publisher.send(
        exchange,
        routingKey,
        message.content,
        forwardedProperties(message, headers),
        HAND_ON_TIMEOUT_MS,
      );
      return true;
    } catch (error) {
      logger.warn(
        { err: error, messageId: message.properties.messageId },
        'could not hand the message on; requeueing it',
      );
      return false;
    }
  }

  async function deadLetter(message: ConsumeMessage, reason: 'invalid' | 'failed', why: string): Promise<Outcome> {
    const headers = {
      [headerNames.attempt]: attemptOf(message.properties.headers),
      [headerNames.deadLetterReason]: reason,
      [headerNames.error]: why.slice(0, MAX_ERROR_LENGTH),
      [headerNames.queue]: queue,
    };
    if (!(await handOn(message, '', deadLetterQueueOf(queue), headers))) return 'requeue';
    metrics.deadLettered.inc({ queue, reason });
    metrics.messages.inc({ queue, outcome: 'dead_lettered' });
    return 'ack';
  }

  async function retry(message: ConsumeMessage, attempt: number, counted: boolean): Promise<Outcome> {
    // consumeEvents refuses an empty list; past its end, the last delay repeats.
    const delayMs = spec.retryDelaysMs[Math.min(attempt, spec.retryDelaysMs.length) - 1] as number;
    const headers = {
      [headerNames.attempt]: counted ? attempt + 1 : attempt,
      [headerNames.delayQueue]: delayQueueOf(exchanges.redeliver, delayMs),
    };
    // Routing key = this queue's name: `redeliver` takes the message back to this queue alone.
    if (!(await handOn(message, exchanges.delay, queue, headers))) return 'requeue';
    metrics.messages.inc({ queue, outcome: 'retry' });
    return 'ack';
  }

  return async (message) => {
    const messageId: unknown = message.properties.messageId;
    const parsed = parseEventMessage(message.content);
    if (!parsed.ok) {
      // Never log the payload: it may hold personal data.
      logger.warn(
        { messageId, routingKey: message.fields.routingKey, reason: parsed.reason },
        'invalid event parked in the dead-letter queue',
      );
      return deadLetter(message, 'invalid', parsed.reason);
    }
    const event = parsed.value;
    observeEventLag(metrics.eventLag, queue, event.occurredAt, message.properties.headers);
    const attempt = attemptOf(message.properties.headers);
    const handlerLogger = logger.child({ messageId: event.id, eventType: event.type, attempt });
    const failure = await runHandler(message, event, { attempt, logger: handlerLogger });
    if (!failure) {
      metrics.messages.inc({ queue, outcome: 'ack' });
      return 'ack';
    }
    // A dependency of the service being down is not the event's fault: it is retried for as long
    // as the outage lasts, rather than parked once its attempts are used up.
    if (deps.translateError(failure.error)?.code === 'UNAVAILABLE') {
      handlerLogger.warn({ err: failure.error }, 'a dependency is unavailable; retrying the event later');
      return retry(message, attempt, false);
    }
    if (attempt < spec.maxAttempts) {
      handlerLogger.warn({ err: failure.error }, 'event handler failed; retrying later');
      return retry(message, attempt, true);
    }
    handlerLogger.error({ err: failure.error }, 'event handler failed on its last attempt; parking the event');
    return deadLetter(
      message,
      'failed',
      failure.error instanceof Error ? failure.error.message : String(failure.error),
    );
  };

  /** Runs the handler in a CONSUMER span that continues the producer's trace; returns its error, if any. */
  async function runHandler(
    message: ConsumeMessage,
    event: Event,
    ctx: HandlerContext,
  ): Promise<{ error: unknown } | undefined> {
    const stopTimer = metrics.handlerDuration.startTimer({ queue });
    try {
      await inSpan(
        `process ${queue}`,
        SpanKind.CONSUMER,
        contextFromHeaders(message.properties.headers),
        {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': queue,
          'messaging.message.id': event.id,
        },
        () => spec.handler(event, ctx),
      );
      return undefined;
    } catch (error) {
      return { error };
    } finally {
      stopTimer();
    }
  }
}

function parseEventMessage(content: Buffer): ReturnType<typeof parseEvent> {
  let raw: unknown;
  try {
    raw = JSON.parse(content.toString('utf8'));
  } catch {
    // The parser's message quotes the first bytes, which may be personal data: only the size is told.
    return { ok: false, reason: `not JSON (${content.length} bytes)` };
  }
  return parseEvent(raw);
}

/** The message as it was, plus `headers`: same id, type and trace context. */
function forwardedProperties(message: ConsumeMessage, headers: MessagePropertyHeaders): Options.Publish {
  const { messageId, contentType, type, timestamp, appId } = message.properties;
  return {
    persistent: true,
    messageId,
    contentType,
    type,
    timestamp,
    appId,
    headers: { ...message.properties.headers, ...headers },
  };
}
