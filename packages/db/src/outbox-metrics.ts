import { Counter, Gauge, type Registry } from 'prom-client';

export interface OutboxMetrics {
  published: Counter;
  publishFailures: Counter;
  pending: Gauge;
  oldestPendingAge: Gauge;
}

/** The relay's metrics; a relay restarted on the same registry shares them instead of failing to register. */
export function outboxMetrics(registry: Registry): OutboxMetrics {
  return {
    published: reuse(
      registry,
      'outbox_published_total',
      (name) => new Counter({ name, help: 'Outbox events published to the broker', registers: [registry] }),
    ),
    publishFailures: reuse(
      registry,
      'outbox_publish_failures_total',
      (name) =>
        new Counter({ name, help: 'Outbox publish attempts the broker refused or that failed', registers: [registry] }),
    ),
    pending: reuse(
      registry,
      'outbox_pending',
      (name) => new Gauge({ name, help: 'Outbox events committed but not yet published', registers: [registry] }),
    ),
    oldestPendingAge: reuse(
      registry,
      'outbox_oldest_pending_age_seconds',
      (name) =>
        new Gauge({ name, help: 'Age of the oldest unpublished outbox event (0 when none)', registers: [registry] }),
    ),
  };
}

function reuse<M extends Counter | Gauge>(registry: Registry, name: string, create: (name: string) => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create(name);
}
