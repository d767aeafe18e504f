import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

/** One registry per service, with the `service` label on every series and Node's process metrics. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests by route template (never the raw path: it may carry ids)',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, httpRequestDuration };
}

/**
 * `service_ready`: 1 while the service's readiness checks pass, 0 while one fails; evaluated at
 * each scrape. A second call on the same registry points the gauge at the newer checks.
 */
export function readinessGauge(registry: Registry, isReady: () => Promise<boolean>): void {
  const existing = registry.getSingleMetric('service_ready');
  if (existing) registry.removeSingleMetric('service_ready');
  new Gauge({
    name: 'service_ready',
    help: 'Whether the service is ready (its database and broker are reachable): 1 ready, 0 not ready',
    registers: [registry],
    async collect() {
      this.set((await isReady()) ? 1 : 0);
    },
  });
}

/**
 * The buckets of a lag or latency histogram measured in seconds, from a tenth of a second up to
 * an hour, so service levels of 1 s, 5 s, 60 s and 5 min each fall on a bucket boundary.
 */
export const lagBuckets = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** Seconds from an ISO instant until now, never negative (clocks of two hosts may disagree a little). */
export function secondsSince(instant: string | Date, now: Date = new Date()): number {
  const then = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return Number.isFinite(then) ? Math.max(0, (now.getTime() - then) / 1000) : 0;
}
