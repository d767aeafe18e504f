import { lagBuckets, secondsSince } from '@otk/telemetry';
import type { MessagePropertyHeaders } from 'amqplib';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { attemptOf, headerNames } from './headers.js';

export interface MessagingMetrics {
  messages: Counter<'queue' | 'outcome'>;
  deadLettered: Counter<'queue' | 'reason'>;
  handlerDuration: Histogram<'queue'>;
  eventLag: Histogram<'queue'>;
  handlerOutcomes: Counter<HandlerOutcomeLabel>;
  lateReplies: Counter;
}

export type HandlerOutcomeLabel = 'queue' | 'event' | 'outcome' | 'reason';

/**
 * The metrics live in the service's registry (its default labels add `service`). They are reused
 * when already there, so two brokers may share a registry.
 */
export function messagingMetrics(registry: Registry): MessagingMetrics {
  return {
    messages:
      (registry.getSingleMetric('messaging_messages_total') as Counter<'queue' | 'outcome'> | undefined) ??
      new Counter({
        name: 'messaging_messages_total',
        help: 'Consumed messages by queue and outcome (events: ack, retry, dead_lettered, requeued after an untrusted error; commands: expired, dropped past their deadline)',
        labelNames: ['queue', 'outcome'] as const,
        registers: [registry],
      }),
    deadLettered:
      (registry.getSingleMetric('messaging_dead_lettered_total') as Counter<'queue' | 'reason'> | undefined) ??
      new Counter({
        name: 'messaging_dead_lettered_total',
        help: 'Messages parked in a dead-letter queue, by queue and reason (invalid, failed, untrusted)',
        labelNames: ['queue', 'reason'] as const,
        registers: [registry],
      }),
    handlerDuration:
      (registry.getSingleMetric('messaging_handler_duration_seconds') as Histogram<'queue'> | undefined) ??
      new Histogram({
        name: 'messaging_handler_duration_seconds',
        help: 'Time event handlers take, by queue',
        labelNames: ['queue'] as const,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers: [registry],
      }),
    eventLag: eventLagHistogram(registry),
    lateReplies:
      (registry.getSingleMetric('messaging_rpc_late_replies_total') as Counter | undefined) ??
      new Counter({
        name: 'messaging_rpc_late_replies_total',
        help: 'RPC replies that arrived after their call had already failed (timed out): each may be a change its caller was told did not happen',
        registers: [registry],
      }),
    handlerOutcomes:
      (registry.getSingleMetric('messaging_handler_outcomes_total') as Counter<HandlerOutcomeLabel> | undefined) ??
      new Counter({
        name: 'messaging_handler_outcomes_total',
        help: "What event handlers did, by queue, event type, outcome (done, skipped, retry; failed: threw; untrusted: threw an untrusted error and ended the process) and reason: the handler's reason code, or the error's code",
        labelNames: ['queue', 'event', 'outcome', 'reason'] as const,
        registers: [registry],
      }),
  };
}

/** `messaging_event_lag_seconds`: how old events are when their consumer starts them. */
export function eventLagHistogram(registry: Registry): Histogram<'queue'> {
  return (
    (registry.getSingleMetric('messaging_event_lag_seconds') as Histogram<'queue'> | undefined) ??
    new Histogram({
      name: 'messaging_event_lag_seconds',
      help: 'Age of an event (occurredAt until its handler starts) on its first, undelayed delivery, by queue',
      labelNames: ['queue'] as const,
      buckets: lagBuckets,
      registers: [registry],
    })
  );
}

/**
 * Records the lag of one delivery. Retries and delayed messages (hold expiries) are left out:
 * their age is the delay they were given, not the consumer falling behind.
 */
export function observeEventLag(
  lag: Histogram<'queue'>,
  queue: string,
  occurredAt: string,
  headers: MessagePropertyHeaders | undefined,
): void {
  if (attemptOf(headers) !== 1 || headers?.[headerNames.delayQueue] !== undefined) return;
  lag.observe({ queue }, secondsSince(occurredAt));
}

/** What a broker connection tells the scrape: whether it is up, and the depth of its queues. */
export interface BrokerGaugeSource {
  isConnected(): boolean;
  /** Messages ready in each queue the service consumes and in their dead-letter queues. */
  queueDepths(): Promise<{ queue: string; messages: number; consumers: number }[]>;
}

const sources = new WeakMap<Registry, Set<BrokerGaugeSource>>();

/**
 * `messaging_broker_connected` and `messaging_queue_messages` / `messaging_queue_consumers`,
 * evaluated at each scrape from every broker of the registry. Returns the function that takes
 * the broker off again (on close).
 */
export function brokerGauges(registry: Registry, source: BrokerGaugeSource): () => void {
  let set = sources.get(registry);
  if (!set) {
    const all = new Set<BrokerGaugeSource>();
    sources.set(registry, all);
    set = all;
    new Gauge({
      name: 'messaging_broker_connected',
      help: 'Whether the service is connected to RabbitMQ: 1 connected, 0 not',
      registers: [registry],
      collect() {
        this.set([...all].some((s) => s.isConnected()) ? 1 : 0);
      },
    });
    const depths = async () => (await Promise.all([...all].map((s) => s.queueDepths().catch(() => [])))).flat();
    let pending: ReturnType<typeof depths> | undefined;
    // One look at the broker serves both gauges of a scrape.
    const current = () => (pending ??= depths().finally(() => setTimeout(() => (pending = undefined), 0)));
    new Gauge({
      name: 'messaging_queue_messages',
      help: 'Messages ready in a queue the service consumes (and in its .dlq dead-letter queue), by queue',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const { queue, messages } of await current()) this.set({ queue }, messages);
      },
    });
    new Gauge({
      name: 'messaging_queue_consumers',
      help: 'Consumers attached to a queue the service consumes, by queue',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const { queue, consumers } of await current()) this.set({ queue }, consumers);
      },
    });
  }
  set.add(source);
  return () => set.delete(source);
}
