import {
  AppError,
  type Event,
  type EventOf,
  type EventType,
  exchanges,
  isUntrustedError,
  parseEvent,
} from '@otk/contracts';
import { SpanKind, context } from '@opentelemetry/api';
import type { ConsumeMessage, MessagePropertyHeaders, Options } from 'amqplib';
import type { Logger } from 'pino';
import type { HandlerContext } from './handler-context.js';
import { type HandlerOutcome, type ReasonCode, invalidReason, isReasonCode } from './handler-outcome.js';
import { attemptOf, headerNames } from './headers.js';
import { type MessagingMetrics, observeEventLag } from './metrics.js';
import type { Publisher } from './publisher.js';
import type { Fatal, Outcome } from './queue-consumer.js';
import type { ErrorTranslator } from './rpc-server.js';
import { deadLetterQueueOf, delayQueueOf } from './topology.js';
import { contextFromHeaders, inSpan } from './tracing.js';
import type { Subscription } from './subscriptions.js';

/** Handles the events of one type; says what it did (see `HandlerOutcome`). */
export type EventHandler<T extends EventType> = (event: EventOf<T>, ctx: HandlerContext) => Promise<HandlerOutcome>;

/** One handler per event type, keyed by the type (= routing key). */
export type EventHandlers<K extends EventType> = { readonly [T in K]: EventHandler<T> };

/**
 * The same handler for each of `types`, for a consumer that treats them alike (e.g. one that
 * records or stores every booking event). The handler receives the union of exactly those types.
 */
export function sameHandlerFor<K extends EventType>(types: readonly K[], handler: EventHandler<K>): EventHandlers<K> {
  return Object.fromEntries(types.map((type) => [type, handler])) as unknown as EventHandlers<K>;
}

/**
 * `queue` is the consumer's own durable queue, bound to `events` for `routingKeys`; `handlers`
 * has exactly one handler for each of them, which receives that event's own type.
 */
export interface EventConsumerSpec<K extends EventType = EventType> extends Subscription<K> {
  /** Typed by `routingKeys`: a key without its handler, or a handler without its key, does not compile. */
  handlers: NoInfer<EventHandlers<K>>;
  /** Deliveries before a failing event is parked in `<queue>.dlq` (also an event whose untrusted error keeps ending processes); default 5. */
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

/** Counted for an event of a type the queue is still bound to but no handler is registered for. */
const NO_HANDLER = 'no-handler';

/**
 * Refuses a spec whose handlers do not match its routing keys one to one (the types say so too;
 * this catches casts and plain JavaScript).
 */
export function checkHandlers(spec: EventConsumerSpec): void {
  const keys = new Set<string>(spec.routingKeys);
  const handled = Object.keys(spec.handlers);
  const missing = [...keys].filter((key) => typeof (spec.handlers as Record<string, unknown>)[key] !== 'function');
  const extra = handled.filter((key) => !keys.has(key));
  if (keys.size === 0 || missing.length > 0 || extra.length > 0) {
    throw new AppError('VALIDATION_FAILED', `handlers of ${spec.queue} must match its routing keys one to one`, {
      missing,
      extra,
    });
  }
}

/**
 * Turns one delivery into an outcome: a message that is not a valid event is parked at once; a
 * valid one runs the handler of its type; a `retry` or a failure is sent back to this queue after
 * a delay or, out of attempts, parked. The original is acked only once its retry or parked copy
 * is confirmed, so nothing accepted is lost; if that copy cannot be sent, the original is
 * requeued instead. A handler that throws an untrusted error gets its message requeued and ends
 * the process (`Fatal`); the next process has the message again.
 */
export function eventHandler(
  spec: Required<EventConsumerSpec>,
  deps: { publisher: Publisher; metrics: MessagingMetrics; logger: Logger; translateError: ErrorTranslator },
): (message: ConsumeMessage) => Promise<Outcome | Fatal> {
  const { queue } = spec;
  const { publisher, metrics } = deps;
  const logger = deps.logger.child({ queue });
  const handlers = spec.handlers as Partial<
    Record<EventType, (event: Event, ctx: HandlerContext) => Promise<HandlerOutcome>>
  >;

  const count = (event: Event, outcome: string, reason?: string) =>
    metrics.handlerOutcomes.inc(
      reason === undefined ? { queue, event: event.type, outcome } : { queue, event: event.type, outcome, reason },
    );

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

  /**
   * Parks a message with what an operator needs to find and judge it: its id (a message
   * property), why it was parked and a code (`why`: the parse complaint, which names fields but
   * never quotes them, or the error's or outcome's code). Never an error's message, which may
   * quote the message's bytes or personal data.
   */
  async function deadLetter(
    message: ConsumeMessage,
    reason: 'invalid' | 'failed' | 'untrusted',
    why: string,
  ): Promise<Outcome> {
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
    // Within the producer's trace, so that what is logged about the event after its handler's
    // span ended (skipped, retried, parked) carries the trace id too.
    return context.with(contextFromHeaders(message.properties.headers), () => handle(message, parsed.value));
  };

  async function handle(message: ConsumeMessage, event: Event): Promise<Outcome | Fatal> {
    observeEventLag(metrics.eventLag, queue, event.occurredAt, message.properties.headers);
    const attempt = attemptOf(message.properties.headers);
    const handlerLogger = logger.child({ messageId: event.id, eventType: event.type, attempt });
    const handler = handlers[event.type];
    if (!handler) {
      // The queue is still bound to a type this consumer no longer handles.
      handlerLogger.warn('no handler for this event type; skipping it');
      count(event, 'skipped', NO_HANDLER);
      metrics.messages.inc({ queue, outcome: 'ack' });
      return 'ack';
    }
    const result = await runHandler(message, event, handler, { attempt, logger: handlerLogger });
    if ('outcome' in result) {
      const { outcome } = result;
      if (outcome.outcome === 'done') {
        count(event, 'done');
        metrics.messages.inc({ queue, outcome: 'ack' });
        return 'ack';
      }
      const reason = checkedReason(outcome.reason, handlerLogger);
      if (outcome.outcome === 'skipped') {
        handlerLogger.debug({ reason }, 'event skipped');
        count(event, 'skipped', reason);
        metrics.messages.inc({ queue, outcome: 'ack' });
        return 'ack';
      }
      count(event, 'retry', reason);
      if (attempt < spec.maxAttempts) {
        handlerLogger.info({ reason, detail: outcome.detail }, 'event to be tried again later');
        return retry(message, attempt, true);
      }
      handlerLogger.error(
        { reason, detail: outcome.detail },
        'event still to be retried after its last attempt; parking it',
      );
      return deadLetter(message, 'failed', reason);
    }
    const { error } = result;
    if (isUntrustedError(error)) return untrusted(message, event, error, handlerLogger);
    // A dependency of the service being down is not the event's fault: it is retried for as long
    // as the outage lasts, rather than parked once its attempts are used up.
    const translated = deps.translateError(error);
    count(event, 'failed', errorCodeOf(error, translated?.code));
    if (translated?.code === 'UNAVAILABLE') {
      handlerLogger.warn({ err: error }, 'a dependency is unavailable; retrying the event later');
      return retry(message, attempt, false);
    }
    if (attempt < spec.maxAttempts) {
      handlerLogger.warn({ err: error }, 'event handler failed; retrying later');
      return retry(message, attempt, true);
    }
    handlerLogger.error({ err: error }, 'event handler failed on its last attempt; parking the event');
    return deadLetter(message, 'failed', errorCodeOf(error, translated?.code));
  }

  /**
   * Practica's rule: after an untrusted error the process's state is unknown, so it ends. The
   * message goes back on the queue first, so nothing is lost: the next process (the orchestrator
   * restarts this one) has it again. An event that has ended `maxAttempts` processes already is
   * parked instead, so that one poisoned message cannot keep the service crashing.
   */
  async function untrusted(
    message: ConsumeMessage,
    event: Event,
    error: unknown,
    handlerLogger: Logger,
  ): Promise<Fatal> {
    const code = error instanceof AppError ? error.code : 'error';
    count(event, 'untrusted', code);
    const deliveries = deliveriesOf(message);
    if (deliveries >= spec.maxAttempts) {
      handlerLogger.fatal(
        { err: error, deliveries },
        'untrusted error, again; parking the event and ending the process',
      );
      const settle = await deadLetter(message, 'untrusted', code);
      return { settle, error };
    }
    handlerLogger.fatal({ err: error, deliveries }, 'untrusted error; putting the event back and ending the process');
    metrics.messages.inc({ queue, outcome: 'requeued' });
    return { settle: 'requeue', error };
  }

  /** Runs the handler in a CONSUMER span that continues the producer's trace; returns its outcome or its error. */
  async function runHandler(
    message: ConsumeMessage,
    event: Event,
    handler: (event: Event, ctx: HandlerContext) => Promise<HandlerOutcome>,
    ctx: HandlerContext,
  ): Promise<{ outcome: HandlerOutcome } | { error: unknown }> {
    const stopTimer = metrics.handlerDuration.startTimer({ queue });
    try {
      const outcome: unknown = await inSpan(
        `process ${queue}`,
        SpanKind.CONSUMER,
        contextFromHeaders(message.properties.headers),
        {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': queue,
          'messaging.message.id': event.id,
        },
        () => handler(event, ctx),
      );
      if (!isHandlerOutcome(outcome)) {
        // A bug in the handler: what it did is unknown, so it is an untrusted error.
        return {
          error: new AppError(
            'INTERNAL',
            `the ${event.type} handler of ${queue} returned no outcome`,
            undefined,
            false,
          ),
        };
      }
      return { outcome };
    } catch (error) {
      return { error };
    } finally {
      stopTimer();
    }
  }
}

function isHandlerOutcome(value: unknown): value is HandlerOutcome {
  const outcome = (value as { outcome?: unknown } | undefined)?.outcome;
  return outcome === 'done' || outcome === 'skipped' || outcome === 'retry';
}

/** The stable code of a handler's error: its AppError code, the translated code, or `error`. */
function errorCodeOf(error: unknown, translatedCode: string | undefined): string {
  if (error instanceof AppError) return error.code;
  return translatedCode ?? 'error';
}

/** A reason becomes a metric label: anything but a code is a bug, counted apart and logged. */
function checkedReason(reason: unknown, logger: Logger): ReasonCode {
  if (isReasonCode(reason)) return reason;
  logger.error({ reason: String(reason).slice(0, 100) }, 'a handler gave a reason that is not a reason code');
  return invalidReason;
}

/** How many times the queue has handed this message out, this delivery included (quorum queues count returns). */
function deliveriesOf(message: ConsumeMessage): number {
  const returned = Number(message.properties.headers?.['x-delivery-count']);
  return (Number.isInteger(returned) && returned > 0 ? returned : 0) + 1;
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

/**
 * The message as it was, plus `headers`: same id, type and trace context. The queue's delivery
 * count stays behind: the copy is a new message, handed out for the first time.
 */
function forwardedProperties(message: ConsumeMessage, headers: MessagePropertyHeaders): Options.Publish {
  const { messageId, contentType, type, timestamp, appId } = message.properties;
  const { 'x-delivery-count': _deliveryCount, ...kept } = message.properties.headers ?? {};
  return {
    persistent: true,
    messageId,
    contentType,
    type,
    timestamp,
    appId,
    headers: { ...kept, ...headers },
  };
}
