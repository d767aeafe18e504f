/**
 * OTK's service levels: the one source of the SLO recording rules, the burn-rate alerts, their
 * promtool tests, their runbooks and the dashboards' burn panels. docs/operations/slo.md explains
 * each one for people.
 *
 * Every expression is aggregated `by (practice)`: the scrape gives every series the practice's
 * label (the chart's ServiceMonitor and PodMonitor set it to the release name).
 */

/** A Prometheus 3 scrape writes a classic histogram's `le="1"` as `le="1.0"`; both are matched. */
export function le(seconds: number): string {
  return Number.isInteger(seconds) ? `le=~"${seconds}(\\\\.0)?"` : `le="${seconds}"`;
}

export interface ServiceLevel {
  /** The `slo` label of the recording rules. */
  id: string;
  /** The burn-rate alert's name. */
  alert: string;
  title: string;
  /** The share of good events the objective asks for, over 30 days. */
  objective: number;
  /** What counts as a good event, for people. */
  good: string;
  /** Errors (bad events) per second over `$window`, by practice. */
  errors: string;
  /** All events per second over `$window`, by practice. */
  total: string;
  /** Input series of the promtool tests: `bad` burns the budget at once, otherwise none of it. */
  testSeries(bad: boolean): { series: string; values: string }[];
  /** What is likely broken when the budget burns, and where to look. */
  causes: string[];
}

const minutes = 60;
/** A counter rising by `perMinute` every minute of the test. */
const rising = (perMinute: number) => `0+${perMinute}x${minutes}`;

function latencyLevel(options: {
  id: string;
  alert: string;
  title: string;
  metric: string;
  selector: string;
  seconds: number;
  good: string;
  causes: string[];
  testLabels: string;
}): ServiceLevel {
  const { metric, selector, seconds } = options;
  const sel = (extra?: string) => `{${[selector, extra].filter(Boolean).join(',')}}`;
  return {
    id: options.id,
    alert: options.alert,
    title: options.title,
    objective: 0.99,
    good: options.good,
    errors:
      `(sum by (practice) (rate(${metric}_count${sel()}[$window]))` +
      ` - sum by (practice) (rate(${metric}_bucket${sel(le(seconds))}[$window])))`,
    total: `sum by (practice) (rate(${metric}_count${sel()}[$window]))`,
    testSeries: (bad) => [
      { series: `${metric}_count{${options.testLabels}}`, values: rising(60) },
      { series: `${metric}_bucket{${options.testLabels},le="${seconds}"}`, values: rising(bad ? 0 : 60) },
      { series: `${metric}_bucket{${options.testLabels},le="+Inf"}`, values: rising(60) },
    ],
    causes: options.causes,
  };
}

export const serviceLevels: ServiceLevel[] = [
  {
    id: 'api-availability',
    alert: 'OTKApiAvailabilityBudgetBurn',
    title: 'Booking API availability',
    objective: 0.999,
    good: 'a request to /api/v1/* answered with a status below 500 (by the gateway)',
    errors:
      'sum by (practice) (rate(http_request_duration_seconds_count{service="gateway",route=~"/api/v1/.*",status_code=~"5.."}[$window]))',
    total:
      'sum by (practice) (rate(http_request_duration_seconds_count{service="gateway",route=~"/api/v1/.*"}[$window]))',
    testSeries: (bad) => [
      {
        series:
          'http_request_duration_seconds_count{practice="praxis-a",service="gateway",method="POST",route="/api/v1/holds",status_code="201"}',
        values: rising(100),
      },
      {
        series:
          'http_request_duration_seconds_count{practice="praxis-a",service="gateway",method="POST",route="/api/v1/holds",status_code="503"}',
        values: rising(bad ? 100 : 0),
      },
    ],
    causes: [
      'a service behind the gateway is down or not ready (OTKServiceNotReady, OTKServiceDown)',
      'RabbitMQ or PostgreSQL unreachable (OTKRabbitMQUnreachable, OTKPostgresConnectionsExhausted): the gateway answers 503 UNAVAILABLE',
      'commands time out (504): hold-manager or availability overloaded; see their RED panels',
    ],
  },
  latencyLevel({
    id: 'hold-placement-latency',
    alert: 'OTKHoldPlacementLatencyBudgetBurn',
    title: 'Hold placement latency',
    metric: 'http_request_duration_seconds',
    selector: 'service="gateway",method="POST",route="/api/v1/holds"',
    seconds: 1,
    good: 'POST /api/v1/holds answered within 1 s (p99 under 1 s)',
    testLabels: 'practice="praxis-a",service="gateway",method="POST",route="/api/v1/holds",status_code="201"',
    causes: [
      'hold-manager slow: booking_command_duration_seconds{command="hold.place"} on the practice view',
      'availability slow to answer the slot check, or its read model rebuilding',
      'PostgreSQL slow or the pool saturated (db_pool_clients{state="waiting"})',
    ],
  }),
  latencyLevel({
    id: 'expiry-lag',
    alert: 'OTKExpiryLagBudgetBurn',
    title: 'Hold expiry lag',
    metric: 'hold_expiry_lag_seconds',
    selector: '',
    seconds: 5,
    good: "a hold expired and its slot released within 5 s of its deadline (p99 under 5 s); measured by hold-manager when the hold's delayed expiry message expires it",
    testLabels: 'practice="praxis-a",service="hold-manager",trigger="message"',
    causes: [
      'hold-manager.events backed up or without consumers (messaging_queue_messages, messaging_queue_consumers)',
      'the retry delay queues of hold-manager.events holding early expiry messages (clock skew between hosts)',
      'PostgreSQL slow (lock waits on bookings)',
    ],
  }),
  latencyLevel({
    id: 'email-handoff',
    alert: 'OTKEmailHandoffBudgetBurn',
    title: 'Provisional-request e-mail hand-off',
    metric: 'notification_handoff_seconds',
    selector: 'channel="email",kind="provisional-request"',
    seconds: 60,
    good: "a provisional-request e-mail accepted by the SMTP server within 60 s of the booking's hold",
    testLabels: 'practice="praxis-a",service="notification",channel="email",kind="provisional-request"',
    causes: [
      'the SMTP server refuses or times out (OTKSMTPFailures): messages wait in retries',
      'the outbox of hold-manager not published (OTKOutboxStale)',
      'notification.events backed up (consumer lag on the practice view)',
    ],
  }),
  latencyLevel({
    id: 'sync-lag',
    alert: 'OTKSyncLagBudgetBurn',
    title: 'Practice-system sync lag',
    metric: 'pixelmedics_sync_delay_seconds',
    selector: '',
    seconds: 300,
    good: 'a booking event applied to the practice system within 5 minutes',
    testLabels: 'practice="praxis-a",service="pixelmedics-sync"',
    causes: [
      'the practice system unreachable or slow (OTKPracticeSystemUnreachable): jobs retry with backoff up to 5 minutes',
      'jobs of one booking waiting behind a parked one (OTKSyncJobsParked)',
    ],
  }),
];

/** The windows of the SRE workbook's multi-window, multi-burn-rate alerts. */
export const windows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/** Page: 2 % of the 30-day budget in 1 h, or 5 % in 6 h; ticket: 10 % in 1 d, or 10 % in 3 d. */
export const burnRates = {
  critical: [
    { long: '1h', short: '5m', factor: 14.4 },
    { long: '6h', short: '30m', factor: 6 },
  ],
  warning: [
    { long: '1d', short: '2h', factor: 3 },
    { long: '3d', short: '6h', factor: 1 },
  ],
} as const;

export const errorRatioRecord = (window: string) => `practice:slo_error_ratio:rate${window}`;
