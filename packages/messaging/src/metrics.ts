import { Counter, Histogram, type Registry } from 'prom-client';

export interface MessagingMetrics {
  messages: Counter<'queue' | 'outcome'>;
  deadLettered: Counter<'queue' | 'reason'>;
  handlerDuration: Histogram<'queue'>;
  handlerOutcomes: Counter<HandlerOutcomeLabel>;
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
