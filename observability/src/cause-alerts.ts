/**
 * Alerts on causes: what is broken, rather than how much of a service level is spent. Each one
 * carries its runbook (rendered to docs/runbooks/<alert>.md) and the promtool test that shows it
 * fires when it should and stays quiet when it should not.
 */

export interface TestSeries {
  series: string;
  values: string;
}

export interface CauseAlert {
  name: string;
  severity: 'critical' | 'warning';
  expr: string;
  for: string;
  /** May use `{{ $labels.<name> }}`; never `$value`, so the tests can state the text exactly. */
  summary: string;
  description: string;
  runbook: { meaning: string; confirm: string[]; act: string[] };
  test: {
    /** Series under which the alert fires at `at`, with these labels (besides alertname and severity). */
    fires: { series: TestSeries[]; at: string; labels: Record<string, string>[] };
    /** Other ways it fires (one for each further branch of its expression), each named by its case. */
    alsoFires?: { name: string; series: TestSeries[]; at: string; labels: Record<string, string>[] }[];
    /** Series of a healthy practice, or a short blip, under which it stays quiet at `at`. */
    quiet: { series: TestSeries[]; at: string };
  };
}

/**
 * The share of `max_connections` in use on the practice's PostgreSQL server, from postgres_exporter
 * scraped with the practice's label: what OTKPostgresConnectionsExhausted holds against 90 %, and
 * what the PostgreSQL dashboard shows.
 */
export const postgresConnectionsInUse =
  'max by (practice) (sum by (practice, instance) (pg_stat_activity_count{practice!=""})' +
  ' / on (practice, instance) max by (practice, instance) (pg_settings_max_connections))';

const p = 'practice="praxis-a"';
/** Where the operator's shell is: the practice's namespace, named like its release. */
const ns = '-n <practice>';

export const causeAlerts: CauseAlert[] = [
  {
    name: 'OTKServiceDown',
    severity: 'critical',
    expr: 'up{practice!=""} == 0',
    for: '5m',
    summary: 'A pod of OTK ({{ $labels.practice }}) cannot be scraped',
    description:
      'Prometheus has not reached the management port of {{ $labels.pod }} ({{ $labels.job }}) of practice {{ $labels.practice }} for 5 minutes: the process is down, crash-looping or unreachable.',
    runbook: {
      meaning:
        "Prometheus could not scrape a pod's management port (9090: /metrics) for 5 minutes. The pod is not running, is restarting, or a NetworkPolicy blocks the scrape.",
      confirm: [
        `kubectl ${ns} get pods -l app.kubernetes.io/instance=<practice>`,
        `kubectl ${ns} describe pod <pod>   # events: OOMKilled, CrashLoopBackOff, image pull`,
        `kubectl ${ns} logs <pod> --previous   # the last lines before the crash; a fatal line names the cause`,
      ],
      act: [
        'A `fatal` line with `variables` is a configuration error (exit 78): fix the values or the Secret it names and `helm upgrade`.',
        "OOMKilled: raise the component's `resources.limits.memory` in the practice's values.",
        'Only the scrape fails (the pod is Ready): check `networkPolicy.monitoring` lets the Prometheus namespace reach port 9090.',
      ],
    },
    test: {
      fires: {
        series: [{ series: `up{${p},job="praxis-a-gateway",pod="praxis-a-gateway-1"}`, values: '0x20' }],
        at: '10m',
        labels: [{ practice: 'praxis-a', job: 'praxis-a-gateway', pod: 'praxis-a-gateway-1' }],
      },
      quiet: {
        series: [{ series: `up{${p},job="praxis-a-gateway",pod="praxis-a-gateway-1"}`, values: '1 1 0 0 1x16' }],
        at: '10m',
      },
    },
  },
  {
    name: 'OTKServiceNotReady',
    severity: 'critical',
    expr: 'service_ready{practice!=""} == 0',
    for: '5m',
    summary: '{{ $labels.service }} of {{ $labels.practice }} is not ready',
    description:
      '{{ $labels.service }} ({{ $labels.pod }}) of practice {{ $labels.practice }} has failed its readiness checks (database, broker) for 5 minutes; Kubernetes sends it no traffic.',
    runbook: {
      meaning:
        "The service runs but its readiness checks fail: it cannot reach PostgreSQL or RabbitMQ. Kubernetes takes it out of its Service; with every replica not ready, the practice's bookings fail.",
      confirm: [
        `kubectl ${ns} port-forward deploy/<practice>-<service> 9090 & curl -s localhost:9090/readyz   # names the failing check`,
        `kubectl ${ns} logs deploy/<practice>-<service> | grep 'readiness check failed'`,
      ],
      act: [
        'Check `database` failing: see OTKPostgresConnectionsExhausted and the PostgreSQL dashboard; is the database up, are the credentials in the Secret current (docs/operations/secrets.md)?',
        'Check `broker` failing: see OTKRabbitMQUnreachable.',
        'The service waits for both and becomes ready by itself once they answer; restarting it does not help.',
      ],
    },
    test: {
      fires: {
        series: [
          { series: `service_ready{${p},service="notification",pod="praxis-a-notification-1"}`, values: '0x20' },
        ],
        at: '10m',
        labels: [{ practice: 'praxis-a', service: 'notification', pod: 'praxis-a-notification-1' }],
      },
      quiet: {
        series: [
          { series: `service_ready{${p},service="notification",pod="praxis-a-notification-1"}`, values: '1x20' },
        ],
        at: '10m',
      },
    },
  },
  {
    name: 'OTKOutboxStale',
    severity: 'critical',
    expr: 'max by (practice, service) (outbox_oldest_pending_age_seconds{practice!=""}) > 60',
    for: '2m',
    summary: 'Events of {{ $labels.service }} ({{ $labels.practice }}) wait in the outbox for over a minute',
    description:
      'The oldest unpublished outbox event of {{ $labels.service }} of practice {{ $labels.practice }} is older than 60 s: bookings are committed, but nobody hears of them (no e-mails, no sync, slots not updated).',
    runbook: {
      meaning:
        "A service's transactional outbox holds an event older than a minute. The relay publishes committed events to RabbitMQ; it is stuck when the broker refuses or is unreachable, or the service's relay is not running.",
      confirm: [
        'Practice view, "Outbox: oldest unpublished event": which service, since when.',
        `kubectl ${ns} logs deploy/<practice>-<service> | grep -i outbox`,
        'outbox_publish_failures_total rising: the broker refuses (see OTKRabbitMQUnreachable; a broker in a memory or disk alarm blocks publishers).',
      ],
      act: [
        'Broker unreachable or blocking: fix the broker; the relay publishes the backlog by itself, oldest first.',
        'No failures and no progress: the service is not running its relay (crash-looping?); see OTKServiceDown.',
        'Never delete outbox rows: each is a booking event that consumers need.',
      ],
    },
    test: {
      fires: {
        series: [
          { series: `outbox_oldest_pending_age_seconds{${p},service="hold-manager",pod="x"}`, values: '0+60x20' },
        ],
        at: '10m',
        labels: [{ practice: 'praxis-a', service: 'hold-manager' }],
      },
      quiet: {
        series: [
          { series: `outbox_oldest_pending_age_seconds{${p},service="hold-manager",pod="x"}`, values: '0 2 0 1 0x16' },
        ],
        at: '10m',
      },
    },
  },
  {
    name: 'OTKDeadLetterQueueNotEmpty',
    severity: 'warning',
    expr: 'max by (practice, queue) (messaging_queue_messages{practice!="",queue=~".+\\\\.dlq"}) > 0',
    for: '5m',
    summary: 'Messages parked in {{ $labels.queue }} ({{ $labels.practice }})',
    description:
      'The dead-letter queue {{ $labels.queue }} of practice {{ $labels.practice }} has held messages for 5 minutes: events whose handling failed on every attempt, or that were invalid. Their effect (an e-mail, a sync, a busy time) is missing until they are replayed.',
    runbook: {
      meaning:
        "A consumer gave up on one or more events after its last attempt (reason `failed`) or could not read them (reason `invalid`), and parked them in `<queue>.dlq`. The service level stays whole for the others; the parked events' effects are missing.",
      confirm: [
        'messaging_dead_lettered_total by queue and reason on the practice view: when, and why (invalid or failed).',
        `kubectl ${ns} logs deploy/<practice>-<service> | grep -E 'parking the event|parked in the dead-letter queue'   # the error of each`,
        `kubectl ${ns} exec deploy/<practice>-<service> -- node services/<service>/dist/main.js replay-dead-letters --dry-run   # lists the parked messages: id, type, reason, error (no payload)`,
        "Or in the practice console (an admin): Stopped work (`/admin/#/operations`) lists every service's parked messages the same way.",
      ],
      act: [
        'Fix the cause first (a failing SMTP server, a bug fixed by an upgrade, a practice setting): a replay into a consumer that still fails parks them again after its attempts.',
        `Replay: \`kubectl ${ns} exec deploy/<practice>-<service> -- node services/<service>/dist/main.js replay-dead-letters --queue <queue>\` moves every parked message back to its queue with its attempts reset; \`--limit N\` replays N first. Consumers are idempotent, so a message that had partly succeeded is safe to replay.`,
        "The console's Replay button of a queue does the same (up to 500 messages at a time) through the owning service, and the audit log names who did it.",
        'Invalid messages (reason `invalid`) do not become valid by replaying: they come from a producer of another version; note their ids, then `replay-dead-letters --discard-invalid --queue <queue>` removes them (and leaves the others).',
      ],
    },
    test: {
      fires: {
        series: [
          {
            series: `messaging_queue_messages{${p},service="notification",pod="a",queue="notification.events.dlq"}`,
            values: '0 0 1x18',
          },
          {
            series: `messaging_queue_messages{${p},service="notification",pod="a",queue="notification.events"}`,
            values: '0x20',
          },
        ],
        at: '10m',
        labels: [{ practice: 'praxis-a', queue: 'notification.events.dlq' }],
      },
      quiet: {
        series: [
          {
            series: `messaging_queue_messages{${p},service="notification",pod="a",queue="notification.events.dlq"}`,
            values: '0x20',
          },
          {
            series: `messaging_queue_messages{${p},service="notification",pod="a",queue="notification.events"}`,
            values: '5x20',
          },
        ],
        at: '10m',
      },
    },
  },
  {
    name: 'OTKRabbitMQUnreachable',
    severity: 'critical',
    expr: 'max by (practice, service) (messaging_broker_connected{practice!=""}) == 0',
    for: '2m',
    summary: '{{ $labels.service }} of {{ $labels.practice }} is not connected to RabbitMQ',
    description:
      'No replica of {{ $labels.service }} of practice {{ $labels.practice }} has been connected to RabbitMQ for 2 minutes: no commands are answered, no events consumed or published.',
    runbook: {
      meaning:
        'Every replica of a service lost its AMQP connection and has not got it back. The services reconnect every second by themselves; the broker or the way to it is down, or the credentials no longer work.',
      confirm: [
        "RabbitMQ dashboard: is the broker up, are its memory and disk alarms off, how many connections does the practice's vhost have?",
        `kubectl ${ns} logs deploy/<practice>-<service> | grep -E 'could not connect to the broker|disconnected from the broker'   # ACCESS_REFUSED: credentials; ECONNREFUSED / timeout: network or broker`,
      ],
      act: [
        "Broker down: restore it (operator mode: the RabbitmqCluster's pods); the services reconnect and declare their queues again.",
        'ACCESS_REFUSED: the vhost user or password in the `otk-rabbitmq` Secret changed; docs/operations/secrets.md, then restart the Deployments.',
        'Timeouts only from this namespace: the NetworkPolicy egress to the broker (`networkPolicy.rabbitmq`).',
      ],
    },
    test: {
      fires: {
        series: [
          { series: `messaging_broker_connected{${p},service="availability",pod="a"}`, values: '1 1 0x18' },
          { series: `messaging_broker_connected{${p},service="availability",pod="b"}`, values: '1 1 0x18' },
        ],
        at: '10m',
        labels: [{ practice: 'praxis-a', service: 'availability' }],
      },
      quiet: {
        series: [
          { series: `messaging_broker_connected{${p},service="availability",pod="a"}`, values: '1 1 0x18' },
          { series: `messaging_broker_connected{${p},service="availability",pod="b"}`, values: '1x20' },
        ],
        at: '10m',
      },
    },
  },
  {
    name: 'OTKRabbitMQResourceAlarm',
    severity: 'critical',
    expr:
      'max by (practice, instance) (rabbitmq_alarms_memory_used_watermark{practice!=""}' +
      ' + rabbitmq_alarms_free_disk_space_watermark{practice!=""}) > 0',
    for: '2m',
    summary: 'RabbitMQ of {{ $labels.practice }} blocks publishers (memory or disk alarm)',
    description:
      'For 2 minutes, the RabbitMQ node {{ $labels.instance }} of practice {{ $labels.practice }} has been in a memory or free-disk alarm: it blocks every publishing connection, so outbox events wait and commands sent to the services time out.',
    runbook: {
      meaning:
        "The broker crossed its memory high watermark or fell below its free-disk limit and blocks all connections that publish until it recovers. The services stay connected (OTKRabbitMQUnreachable stays quiet), but nothing new reaches a queue: bookings are refused by the gateway's timeouts and committed events wait in the outbox. Read from RabbitMQ's Prometheus plugin, scraped with the practice's label (docs/operations/monitoring.md).",
      confirm: [
        'RabbitMQ dashboard, "Memory against its high watermark, free disk": which limit, since when.',
        `kubectl ${ns} exec <practice>-rabbitmq-server-0 -- rabbitmq-diagnostics alarms`,
        `kubectl ${ns} exec <practice>-rabbitmq-server-0 -- rabbitmq-diagnostics memory_breakdown   # what holds the memory`,
      ],
      act: [
        'Messages piling up in a queue (ready, unacknowledged): its consumer is down or failing; see OTKConsumerLagging and OTKDeadLetterQueueNotEmpty. The broker frees memory as consumers catch up.',
        "Disk: grow the volume (`rabbitmq.operator.storageSize` names the size of new clusters; resize the cluster's PVCs) or remove what fills it.",
        "Memory: raise the pods' memory limit (the watermark is a share of it) once the cause is known; a restart only helps if the backlog is consumed.",
      ],
    },
    test: {
      fires: {
        series: [
          { series: `rabbitmq_alarms_memory_used_watermark{${p},instance="mq:15692"}`, values: '0 1x19' },
          { series: `rabbitmq_alarms_free_disk_space_watermark{${p},instance="mq:15692"}`, values: '0x20' },
        ],
        at: '10m',
        labels: [{ practice: 'praxis-a', instance: 'mq:15692' }],
      },
      quiet: {
        series: [
          { series: `rabbitmq_alarms_memory_used_watermark{${p},instance="mq:15692"}`, values: '0 1 0x18' },
          { series: `rabbitmq_alarms_free_disk_space_watermark{${p},instance="mq:15692"}`, values: '0x20' },
        ],
        at: '10m',
      },
    },
  },
  {
    name: 'OTKPostgresConnectionsExhausted',
    severity: 'critical',
    expr:
      '(max by (practice, service) (db_pool_clients{practice!="",state="waiting"} > 0' +
      ' and ignoring(state) db_pool_clients{state="total"} >= ignoring(state) db_pool_max))' +
      ` or (${postgresConnectionsInUse} > 0.9)`,
    for: '5m',
    summary: 'PostgreSQL connections of {{ $labels.practice }} exhausted',
    description:
      'For 5 minutes, queries of practice {{ $labels.practice }} have waited for a connection of a full pool ({{ $labels.service }}), or the PostgreSQL server has used over 90 % of max_connections.',
    runbook: {
      meaning:
        "Either a service's pool (10 connections per replica) is full and queries queue for it, or the PostgreSQL server is close to `max_connections` and new connections will be refused.",
      confirm: [
        'Practice view, "PostgreSQL pool": total, idle and waiting per service; PostgreSQL dashboard: connections by state against max_connections.',
        'In psql: `SELECT application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2 ORDER BY 3 DESC;` (application_name is the service).',
        "Long `idle in transaction` or lock waits: `SELECT pid, application_name, now() - xact_start, wait_event_type, left(query, 60) FROM pg_stat_activity WHERE state <> 'idle' ORDER BY 3 DESC;`",
      ],
      act: [
        'Server near max_connections: count replicas × 10 per service and practice sharing the server; raise max_connections or add a pooler (PgBouncer in transaction mode).',
        'Pool full while the server has room: the service is overloaded or a query is slow; scale the Deployment (docs/operations/scaling.md) and look for the slow query.',
        'A stuck session: `SELECT pg_terminate_backend(<pid>);` for the oldest blocking one.',
      ],
    },
    test: {
      fires: {
        series: [
          { series: `db_pool_clients{${p},service="hold-manager",pod="a",state="waiting"}`, values: '0 3x19' },
          { series: `db_pool_clients{${p},service="hold-manager",pod="a",state="total"}`, values: '10x20' },
          { series: `db_pool_max{${p},service="hold-manager",pod="a"}`, values: '10x20' },
        ],
        at: '10m',
        labels: [{ practice: 'praxis-a', service: 'hold-manager' }],
      },
      alsoFires: [
        {
          name: 'when the PostgreSQL server uses over 90 % of max_connections, its pools not full',
          series: [
            { series: `db_pool_clients{${p},service="hold-manager",pod="a",state="waiting"}`, values: '0x20' },
            { series: `db_pool_clients{${p},service="hold-manager",pod="a",state="total"}`, values: '6x20' },
            { series: `db_pool_max{${p},service="hold-manager",pod="a"}`, values: '10x20' },
            { series: `pg_stat_activity_count{${p},instance="pg:9187",datname="otk",state="active"}`, values: '50x20' },
            {
              series: `pg_stat_activity_count{${p},instance="pg:9187",datname="otk",state="idle"}`,
              values: '30 42x19',
            },
            { series: `pg_settings_max_connections{${p},instance="pg:9187"}`, values: '100x20' },
          ],
          at: '10m',
          labels: [{ practice: 'praxis-a' }],
        },
      ],
      quiet: {
        series: [
          { series: `db_pool_clients{${p},service="hold-manager",pod="a",state="waiting"}`, values: '0 3x19' },
          { series: `db_pool_clients{${p},service="hold-manager",pod="a",state="total"}`, values: '6x20' },
          { series: `db_pool_max{${p},service="hold-manager",pod="a"}`, values: '10x20' },
          { series: `pg_stat_activity_count{${p},instance="pg:9187",datname="otk",state="active"}`, values: '50x20' },
          { series: `pg_settings_max_connections{${p},instance="pg:9187"}`, values: '100x20' },
        ],
        at: '10m',
      },
    },
  },
  {
    name: 'OTKSMTPFailures',
    severity: 'warning',
    expr: 'sum by (practice) (rate(notifications_failed_total{practice!="",channel="email"}[10m])) > 0',
    for: '10m',
    summary: 'E-mails of {{ $labels.practice }} keep failing',
    description:
      'For 10 minutes, handing e-mails of practice {{ $labels.practice }} to the SMTP server has kept failing; patients do not get their provisional requests or confirmations.',
    runbook: {
      meaning:
        'The notification service keeps failing to hand e-mails to the SMTP server. Temporary failures are retried (up to NOTIFICATION_MAX_ATTEMPTS, then parked in notification.events.dlq); permanent ones (a refused recipient) are not.',
      confirm: [
        'Practice view, "E-mail and SMS": notifications_failed_total by kind and permanent.',
        `kubectl ${ns} logs deploy/<practice>-notification | grep 'sending failed'   # the error summary, never the address`,
      ],
      act: [
        'Authentication or TLS errors: the `otk-smtp` Secret (docs/operations/secrets.md); connection errors: the SMTP host, or the NetworkPolicy egress `networkPolicy.smtp`.',
        'Only permanent failures: individual addresses refused; nothing to do centrally.',
        'Once sending works, replay what was parked meanwhile: OTKDeadLetterQueueNotEmpty.',
      ],
    },
    test: {
      fires: {
        series: [
          {
            series: `notifications_failed_total{${p},service="notification",pod="a",channel="email",kind="provisional-request",audience="patient",permanent="false"}`,
            values: '0+2x30',
          },
        ],
        at: '25m',
        labels: [{ practice: 'praxis-a' }],
      },
      quiet: {
        series: [
          {
            series: `notifications_failed_total{${p},service="notification",pod="a",channel="email",kind="provisional-request",audience="patient",permanent="false"}`,
            values: '0 1 1x28',
          },
        ],
        at: '25m',
      },
    },
  },
  {
    name: 'OTKPracticeSystemUnreachable',
    severity: 'warning',
    expr:
      '(sum by (practice) (rate(pixelmedics_sync_failures_total{practice!="",permanent="false"}[10m])) > 0' +
      ' unless sum by (practice) (rate(pixelmedics_sync_applied_total[10m])) > 0)' +
      ' or (sum by (practice) (increase(pixelmedics_sync_imports_total{practice!="",outcome="failed"}[15m])) > 0' +
      ' unless sum by (practice) (increase(pixelmedics_sync_imports_total{outcome!="failed"}[15m])) > 0)',
    for: '10m',
    summary: 'The practice system of {{ $labels.practice }} is unreachable',
    description:
      'For 10 minutes, every attempt of practice {{ $labels.practice }} to apply bookings to, or import from, its practice system has failed: new bookings are not in the practice calendar and busy times are not updated.',
    runbook: {
      meaning:
        'pixelmedics-sync cannot reach the practice system (the ::pixelmedics connector, adapter `http`): booking events wait in its job table and retry with backoff up to every 5 minutes; imports of busy times fail. Nothing is lost; the sync lag grows.',
      confirm: [
        'Practice view, "Practice-system sync": failures, pending jobs and lag.',
        `kubectl ${ns} logs deploy/<practice>-pixelmedics-sync | grep -E 'practice system failed|import from the practice system failed'`,
        `kubectl ${ns} exec deploy/<practice>-pixelmedics-sync -- node -e "fetch(process.env.PRACTICE_SYSTEM_URL).then(r => console.log(r.status), e => console.log(e.cause ?? e))"`,
      ],
      act: [
        "The connector is down or its host unreachable: the practice's IT; nothing to do in OTK, the jobs catch up by themselves.",
        '401/403: the API key in the practice-system Secret was rotated; update it (docs/operations/secrets.md) and restart pixelmedics-sync.',
        'Timeouts: raise `PRACTICE_SYSTEM_TIMEOUT_MS` only if the connector is known to be slow.',
      ],
    },
    test: {
      fires: {
        series: [
          {
            series: `pixelmedics_sync_failures_total{${p},service="pixelmedics-sync",pod="a",event="booking.held",permanent="false"}`,
            values: '0+1x40',
          },
          {
            series: `pixelmedics_sync_applied_total{${p},service="pixelmedics-sync",pod="a",event="booking.held"}`,
            values: '3x40',
          },
        ],
        at: '30m',
        labels: [{ practice: 'praxis-a' }],
      },
      alsoFires: [
        {
          name: 'when every import from the practice system fails, no booking event waiting',
          series: [
            {
              series: `pixelmedics_sync_imports_total{${p},service="pixelmedics-sync",pod="a",outcome="failed"}`,
              values: '0+1x40',
            },
            {
              series: `pixelmedics_sync_imports_total{${p},service="pixelmedics-sync",pod="a",outcome="unchanged"}`,
              values: '5x40',
            },
          ],
          at: '30m',
          labels: [{ practice: 'praxis-a' }],
        },
      ],
      quiet: {
        series: [
          {
            series: `pixelmedics_sync_failures_total{${p},service="pixelmedics-sync",pod="a",event="booking.held",permanent="false"}`,
            values: '0+1x40',
          },
          {
            series: `pixelmedics_sync_applied_total{${p},service="pixelmedics-sync",pod="a",event="booking.held"}`,
            values: '0+1x40',
          },
        ],
        at: '30m',
      },
    },
  },
  {
    name: 'OTKSyncJobsParked',
    severity: 'warning',
    expr: 'max by (practice) (pixelmedics_sync_parked_jobs{practice!=""}) > 0',
    for: '5m',
    summary: 'Booking events of {{ $labels.practice }} parked by the practice-system sync',
    description:
      'The practice system of {{ $labels.practice }} refused booking events for good; they are parked, and later events of the same bookings wait behind them.',
    runbook: {
      meaning:
        'The practice system answered a booking event with a refusal (a 4xx other than a conflict it can resolve). The job is parked (status `failed`) for an operator; later events of that booking wait behind it, other bookings go on.',
      confirm: [
        `kubectl ${ns} exec deploy/<practice>-pixelmedics-sync -- node services/pixelmedics-sync/dist/main.js retry-parked-jobs --dry-run   # lists parked jobs: seq, event type, booking id, attempts, error`,
        'Or in the practice console (an admin): Stopped work (`/admin/#/operations`) lists the same jobs.',
        `kubectl ${ns} logs deploy/<practice>-pixelmedics-sync | grep 'practice system refused the booking event'`,
      ],
      act: [
        "Fix the cause in the practice system (a deleted practitioner, a changed appointment type) or in OTK's practice settings.",
        `Retry: \`kubectl ${ns} exec deploy/<practice>-pixelmedics-sync -- node services/pixelmedics-sync/dist/main.js retry-parked-jobs\` puts every parked job back in the queue (\`--seq <n>\` for one); the worker applies them in order.`,
        "The console's Retry (one job) and Retry all buttons do the same; the audit log names who did it.",
      ],
    },
    test: {
      fires: {
        series: [{ series: `pixelmedics_sync_parked_jobs{${p},service="pixelmedics-sync",pod="a"}`, values: '0 1x19' }],
        at: '10m',
        labels: [{ practice: 'praxis-a' }],
      },
      quiet: {
        series: [{ series: `pixelmedics_sync_parked_jobs{${p},service="pixelmedics-sync",pod="a"}`, values: '0x20' }],
        at: '10m',
      },
    },
  },
  {
    name: 'OTKConsumerLagging',
    severity: 'warning',
    expr: 'histogram_quantile(0.99, sum by (practice, queue, le) (rate(messaging_event_lag_seconds_bucket{practice!=""}[10m]))) > 60',
    for: '10m',
    summary: 'Consumers of {{ $labels.queue }} ({{ $labels.practice }}) fall behind',
    description:
      'For 10 minutes, 1 % of the events on {{ $labels.queue }} of practice {{ $labels.practice }} were over a minute old when their consumer started them.',
    runbook: {
      meaning:
        'Events take over a minute from the booking to their consumer: the outbox publishes late, or the queue backs up because its consumer is too slow, stuck on retries, or missing.',
      confirm: [
        'Practice view, "Queues": messaging_queue_messages and messaging_queue_consumers of the queue, and the outbox age.',
        'messaging_handler_duration_seconds of the queue: slow handlers; messaging_messages_total{outcome="retry"}: handlers failing and retrying.',
      ],
      act: [
        'No consumers: the consuming service is down (OTKServiceDown, OTKServiceNotReady).',
        'Slow handlers: scale the consuming service (notification and pixelmedics-sync scale on queue depth, docs/operations/scaling.md).',
        'Outbox late: OTKOutboxStale.',
      ],
    },
    test: {
      fires: {
        series: [
          {
            series: `messaging_event_lag_seconds_bucket{${p},service="notification",pod="a",queue="notification.events",le="60"}`,
            values: '0x40',
          },
          {
            series: `messaging_event_lag_seconds_bucket{${p},service="notification",pod="a",queue="notification.events",le="120"}`,
            values: '0+5x40',
          },
          {
            series: `messaging_event_lag_seconds_bucket{${p},service="notification",pod="a",queue="notification.events",le="+Inf"}`,
            values: '0+5x40',
          },
        ],
        at: '30m',
        labels: [{ practice: 'praxis-a', queue: 'notification.events' }],
      },
      quiet: {
        series: [
          {
            series: `messaging_event_lag_seconds_bucket{${p},service="notification",pod="a",queue="notification.events",le="60"}`,
            values: '0+5x40',
          },
          {
            series: `messaging_event_lag_seconds_bucket{${p},service="notification",pod="a",queue="notification.events",le="120"}`,
            values: '0+5x40',
          },
          {
            series: `messaging_event_lag_seconds_bucket{${p},service="notification",pod="a",queue="notification.events",le="+Inf"}`,
            values: '0+5x40',
          },
        ],
        at: '30m',
      },
    },
  },
];
