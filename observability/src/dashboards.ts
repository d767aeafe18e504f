/**
 * The Grafana dashboards, as code (Grafana foundation SDK): a fleet overview of every practice, a
 * practice view, and RabbitMQ and PostgreSQL from their standard exporters. `npm run dashboards`
 * writes them to charts/otk/files/dashboards/, which the chart ships as ConfigMaps for the
 * Grafana sidecar.
 */
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { postgresConnectionsInUse } from './cause-alerts.js';
import { errorRatioRecord, serviceLevels } from './service-levels.js';

const datasource = { type: 'prometheus', uid: '${datasource}' };

/** One PromQL query of a panel, with its legend. */
export interface Query {
  expr: string;
  legend: string;
}

function target(query: Query, index: number): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .expr(query.expr)
    .legendFormat(query.legend)
    .refId(String.fromCharCode(65 + index))
    .datasource(datasource);
}

function graph(title: string, unit: string, queries: Query[], description = ''): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .unit(unit)
    .datasource(datasource)
    .height(8)
    .span(12)
    .lineWidth(1)
    .fillOpacity(10)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .calcs(['lastNotNull', 'max']),
    );
  queries.forEach((query, index) => panel.withTarget(target(query, index)));
  return panel;
}

function single(title: string, unit: string, query: Query, description = ''): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .unit(unit)
    .datasource(datasource)
    .height(4)
    .span(6)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .withTarget(target(query, 0));
}

function bars(title: string, unit: string, queries: Query[], description = ''): bargauge.PanelBuilder {
  const panel = new bargauge.PanelBuilder()
    .title(title)
    .description(description)
    .unit(unit)
    .datasource(datasource)
    .height(8)
    .span(12)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .orientation(common.VizOrientation.Horizontal)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']));
  queries.forEach((query, index) => panel.withTarget(target(query, index)));
  return panel;
}

function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus');
}

function practiceVariable(multi: boolean): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder('practice')
    .label('Practice')
    .datasource(datasource)
    .query({ query: 'label_values(service_ready, practice)', refId: 'practice' })
    .definition('label_values(service_ready, practice)')
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(multi)
    .includeAll(multi);
}

function base(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['otk'])
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable());
}

/** A ratio that is 0 rather than missing when nothing failed: `bad` over `all`, both `by (labels)`. */
function ratio(bad: string, all: string, by: string): string {
  return `(sum by (${by}) (${bad}) or (sum by (${by}) (${all}) * 0)) / sum by (${by}) (${all})`;
}

const p99 = (metric: string, selector: string, by: string) =>
  `histogram_quantile(0.99, sum by (${by}, le) (rate(${metric}_bucket{${selector}}[$__rate_interval])))`;

const api = 'service="gateway",route=~"/api/v1/.*"';

function fleetOverview(): dashboard.DashboardBuilder {
  const sel = 'practice=~"$practice"';
  const funnel = (what: string, expr: string): Query => ({ expr, legend: what });
  return base(
    'otk-fleet',
    'OTK / Fleet overview',
    'Every practice: requests, errors, the hold funnel and the error budgets.',
  )
    .withVariable(practiceVariable(true))
    .withRow(new dashboard.RowBuilder('Requests'))
    .withPanel(
      graph('Booking API requests by practice', 'reqps', [
        {
          expr: `sum by (practice) (rate(http_request_duration_seconds_count{${sel},${api}}[$__rate_interval]))`,
          legend: '{{practice}}',
        },
      ]),
    )
    .withPanel(
      graph('Booking API server errors (5xx share) by practice', 'percentunit', [
        {
          expr: ratio(
            `rate(http_request_duration_seconds_count{${sel},${api},status_code=~"5.."}[$__rate_interval])`,
            `rate(http_request_duration_seconds_count{${sel},${api}}[$__rate_interval])`,
            'practice',
          ),
          legend: '{{practice}}',
        },
      ]),
    )
    .withRow(new dashboard.RowBuilder('Hold funnel'))
    .withPanel(
      bars(
        'Hold funnel over the time range (all selected practices)',
        'short',
        [
          funnel('held', `sum(increase(booking_commands_total{${sel},command="hold.place",outcome="ok"}[$__range]))`),
          funnel(
            'confirmed',
            `sum(increase(booking_commands_total{${sel},command="booking.confirm",outcome="ok"}[$__range]))`,
          ),
          funnel('expired', `sum(increase(hold_expiries_total{${sel}}[$__range]))`),
          funnel(
            'withdrawn',
            `sum(increase(booking_commands_total{${sel},command="booking.withdraw",outcome="ok"}[$__range]))`,
          ),
        ],
        'Holds placed, and how they ended: confirmed by the patient, expired at their deadline, withdrawn.',
      ),
    )
    .withPanel(
      graph('Hold funnel per practice', 'short', [
        {
          expr: `sum by (practice, command) (increase(booking_commands_total{${sel},command=~"hold.place|booking.confirm|booking.withdraw",outcome="ok"}[$__rate_interval]))`,
          legend: '{{practice}} {{command}}',
        },
        {
          expr: `sum by (practice) (increase(hold_expiries_total{${sel}}[$__rate_interval]))`,
          legend: '{{practice}} expired',
        },
      ]),
    )
    .withRow(new dashboard.RowBuilder('Error budgets'))
    .withPanel(
      graph(
        'Error budget burn rate (1 h window) by practice and service level',
        'short',
        serviceLevels.map((level) => ({
          expr: `${errorRatioRecord('1h')}{${sel},slo="${level.id}"} / ${Number((1 - level.objective).toPrecision(6))}`,
          legend: `{{practice}} ${level.id}`,
        })),
        'The error ratio over the last hour divided by the budget: 1 spends the 30-day budget in 30 days; 14.4 pages.',
      ).span(24),
    );
}

function practiceView(): dashboard.DashboardBuilder {
  const sel = 'practice="$practice"';
  return base(
    'otk-practice',
    'OTK / Practice',
    'One practice: each service (rate, errors, duration), queues and consumer lag, outbox age, e-mail and sync lag, expiry lag.',
  )
    .withVariable(practiceVariable(false))
    .withRow(new dashboard.RowBuilder('Service levels'))
    .withPanel(
      single(
        'Services ready',
        'short',
        { expr: `sum(service_ready{${sel}})`, legend: 'ready' },
        'Processes whose readiness checks pass.',
      ),
    )
    .withPanel(
      single('API availability (1 h)', 'percentunit', {
        expr: `1 - ${errorRatioRecord('1h')}{${sel},slo="api-availability"}`,
        legend: 'availability',
      }),
    )
    .withPanel(
      single('Parked messages', 'short', {
        expr: `sum(messaging_queue_messages{${sel},queue=~".+\\\\.dlq"})`,
        legend: 'parked',
      }),
    )
    .withPanel(
      single('Parked sync jobs', 'short', { expr: `max(pixelmedics_sync_parked_jobs{${sel}})`, legend: 'parked' }),
    )
    .withRow(new dashboard.RowBuilder('Services (rate, errors, duration)'))
    .withPanel(
      graph('Requests by service and route', 'reqps', [
        {
          expr: `sum by (service, route) (rate(http_request_duration_seconds_count{${sel}}[$__rate_interval]))`,
          legend: '{{service}} {{route}}',
        },
      ]),
    )
    .withPanel(
      graph('Server errors (5xx share) by service', 'percentunit', [
        {
          expr: ratio(
            `rate(http_request_duration_seconds_count{${sel},status_code=~"5.."}[$__rate_interval])`,
            `rate(http_request_duration_seconds_count{${sel}}[$__rate_interval])`,
            'service',
          ),
          legend: '{{service}}',
        },
      ]),
    )
    .withPanel(
      graph('Request duration p99 by service', 's', [
        { expr: p99('http_request_duration_seconds', sel, 'service'), legend: '{{service}}' },
      ]),
    )
    .withPanel(
      graph('Booking commands by outcome', 'ops', [
        {
          expr: `sum by (command, outcome) (rate(booking_commands_total{${sel}}[$__rate_interval]))`,
          legend: '{{command}} {{outcome}}',
        },
      ]),
    )
    .withPanel(
      graph('Booking command duration p99', 's', [
        { expr: p99('booking_command_duration_seconds', sel, 'command'), legend: '{{command}}' },
      ]),
    )
    .withPanel(
      graph('Event handlers: messages by queue and outcome', 'ops', [
        {
          expr: `sum by (queue, outcome) (rate(messaging_messages_total{${sel}}[$__rate_interval]))`,
          legend: '{{queue}} {{outcome}}',
        },
      ]),
    )
    .withRow(new dashboard.RowBuilder('Queues and consumer lag'))
    .withPanel(
      graph('Queue depth (ready messages)', 'short', [
        { expr: `max by (queue) (messaging_queue_messages{${sel}})`, legend: '{{queue}}' },
      ]),
    )
    .withPanel(
      graph('Consumers per queue', 'short', [
        { expr: `max by (queue) (messaging_queue_consumers{${sel}})`, legend: '{{queue}}' },
      ]),
    )
    .withPanel(
      graph('Consumer lag p99 (event age when its handler starts)', 's', [
        { expr: p99('messaging_event_lag_seconds', sel, 'queue'), legend: '{{queue}}' },
      ]),
    )
    .withPanel(
      graph('Event handler duration p99', 's', [
        { expr: p99('messaging_handler_duration_seconds', sel, 'queue'), legend: '{{queue}}' },
      ]),
    )
    .withRow(new dashboard.RowBuilder('Outbox'))
    .withPanel(
      graph('Outbox: oldest unpublished event', 's', [
        { expr: `max by (service) (outbox_oldest_pending_age_seconds{${sel}})`, legend: '{{service}}' },
      ]),
    )
    .withPanel(
      graph('Outbox: events waiting and published', 'short', [
        { expr: `max by (service) (outbox_pending{${sel}})`, legend: '{{service}} waiting' },
        {
          expr: `sum by (service) (rate(outbox_published_total{${sel}}[$__rate_interval]))`,
          legend: '{{service}} published/s',
        },
      ]),
    )
    .withRow(new dashboard.RowBuilder('E-mail and SMS'))
    .withPanel(
      graph('Hand-off to SMTP / SMS provider p99', 's', [
        { expr: p99('notification_handoff_seconds', sel, 'channel, kind'), legend: '{{channel}} {{kind}}' },
      ]),
    )
    .withPanel(
      graph('Messages sent and failed', 'ops', [
        {
          expr: `sum by (channel, kind) (rate(notifications_sent_total{${sel}}[$__rate_interval]))`,
          legend: 'sent {{channel}} {{kind}}',
        },
        {
          expr: `sum by (channel) (rate(notifications_failed_total{${sel}}[$__rate_interval])) or sum by (channel) (rate(notifications_sent_total{${sel}}[$__rate_interval])) * 0`,
          legend: 'failed {{channel}}',
        },
      ]),
    )
    .withRow(new dashboard.RowBuilder('Practice-system sync'))
    .withPanel(
      graph('Sync delay p99 and oldest waiting job', 's', [
        { expr: p99('pixelmedics_sync_delay_seconds', sel, 'practice'), legend: 'applied p99' },
        { expr: `max(pixelmedics_sync_lag_seconds{${sel}})`, legend: 'oldest waiting' },
      ]),
    )
    .withPanel(
      graph('Sync jobs', 'short', [
        { expr: `max(pixelmedics_sync_pending_jobs{${sel}})`, legend: 'pending' },
        { expr: `max(pixelmedics_sync_parked_jobs{${sel}})`, legend: 'parked' },
        { expr: `sum(rate(pixelmedics_sync_applied_total{${sel}}[$__rate_interval]))`, legend: 'applied/s' },
      ]),
    )
    .withRow(new dashboard.RowBuilder('Hold expiry'))
    .withPanel(
      graph('Expiry lag p99 (deadline → slot released)', 's', [
        { expr: p99('hold_expiry_lag_seconds', sel, 'trigger'), legend: '{{trigger}}' },
      ]),
    )
    .withPanel(
      graph('Holds expired by trigger', 'short', [
        { expr: `sum by (trigger) (increase(hold_expiries_total{${sel}}[$__rate_interval]))`, legend: '{{trigger}}' },
      ]),
    )
    .withRow(new dashboard.RowBuilder('Dependencies'))
    .withPanel(
      graph('PostgreSQL pool by service', 'short', [
        { expr: `sum by (service, state) (db_pool_clients{${sel}})`, legend: '{{service}} {{state}}' },
      ]),
    )
    .withPanel(
      graph('Connected to RabbitMQ and ready, by service', 'short', [
        { expr: `min by (service) (messaging_broker_connected{${sel}})`, legend: '{{service}} broker' },
        { expr: `min by (service) (service_ready{${sel}})`, legend: '{{service}} ready' },
      ]),
    );
}

function infrastructure(): dashboard.DashboardBuilder {
  return base(
    'otk-infrastructure',
    'OTK / RabbitMQ and PostgreSQL',
    "The broker (RabbitMQ's built-in Prometheus plugin, rabbitmq_prometheus) and the databases (postgres_exporter).",
  )
    .withRow(new dashboard.RowBuilder('RabbitMQ'))
    .withPanel(
      graph('Messages ready and unacknowledged', 'short', [
        { expr: 'sum by (instance) (rabbitmq_queue_messages_ready)', legend: '{{instance}} ready' },
        { expr: 'sum by (instance) (rabbitmq_queue_messages_unacked)', legend: '{{instance}} unacked' },
      ]),
    )
    .withPanel(
      graph('Messages published and delivered', 'ops', [
        {
          expr: 'sum by (instance) (rate(rabbitmq_global_messages_received_total[$__rate_interval]))',
          legend: '{{instance}} received',
        },
        {
          expr: 'sum by (instance) (rate(rabbitmq_global_messages_delivered_total[$__rate_interval]))',
          legend: '{{instance}} delivered',
        },
      ]),
    )
    .withPanel(
      graph('Connections, channels, consumers, queues', 'short', [
        { expr: 'sum by (instance) (rabbitmq_connections)', legend: '{{instance}} connections' },
        { expr: 'sum by (instance) (rabbitmq_channels)', legend: '{{instance}} channels' },
        { expr: 'sum by (instance) (rabbitmq_consumers)', legend: '{{instance}} consumers' },
        { expr: 'sum by (instance) (rabbitmq_queues)', legend: '{{instance}} queues' },
      ]),
    )
    .withPanel(
      graph('Memory against its high watermark, free disk', 'bytes', [
        { expr: 'sum by (instance) (rabbitmq_process_resident_memory_bytes)', legend: '{{instance}} memory' },
        { expr: 'sum by (instance) (rabbitmq_resident_memory_limit_bytes)', legend: '{{instance}} memory limit' },
        { expr: 'sum by (instance) (rabbitmq_disk_space_available_bytes)', legend: '{{instance}} disk free' },
      ]),
    )
    .withPanel(
      graph(
        'Resource alarms (publishers blocked while 1)',
        'short',
        [
          { expr: 'max by (instance) (rabbitmq_alarms_memory_used_watermark)', legend: '{{instance}} memory' },
          { expr: 'max by (instance) (rabbitmq_alarms_free_disk_space_watermark)', legend: '{{instance}} disk' },
        ],
        'OTKRabbitMQResourceAlarm fires after 2 minutes of either.',
      ),
    )
    .withRow(new dashboard.RowBuilder('PostgreSQL'))
    .withPanel(
      graph('Connections by state against max_connections', 'short', [
        { expr: 'sum by (instance, state) (pg_stat_activity_count)', legend: '{{instance}} {{state}}' },
        { expr: 'max by (instance) (pg_settings_max_connections)', legend: '{{instance}} max' },
      ]),
    )
    .withPanel(
      graph(
        'Connections in use, share of max_connections, by practice',
        'percentunit',
        [{ expr: postgresConnectionsInUse, legend: '{{practice}}' }],
        'OTKPostgresConnectionsExhausted fires above 90 % for 5 minutes.',
      ),
    )
    .withPanel(
      graph('Transactions by database', 'ops', [
        {
          expr: 'sum by (datname) (rate(pg_stat_database_xact_commit[$__rate_interval]))',
          legend: '{{datname}} commit',
        },
        {
          expr: 'sum by (datname) (rate(pg_stat_database_xact_rollback[$__rate_interval]))',
          legend: '{{datname}} rollback',
        },
      ]),
    )
    .withPanel(
      graph('Cache hit ratio and deadlocks', 'short', [
        {
          expr: 'sum by (datname) (rate(pg_stat_database_blks_hit[$__rate_interval])) / (sum by (datname) (rate(pg_stat_database_blks_hit[$__rate_interval])) + sum by (datname) (rate(pg_stat_database_blks_read[$__rate_interval])))',
          legend: '{{datname}} hit ratio',
        },
        {
          expr: 'sum by (datname) (increase(pg_stat_database_deadlocks[$__rate_interval]))',
          legend: '{{datname}} deadlocks',
        },
      ]),
    )
    .withPanel(
      graph('Database size', 'bytes', [{ expr: 'sum by (datname) (pg_database_size_bytes)', legend: '{{datname}}' }]),
    )
    .withPanel(single('PostgreSQL up', 'short', { expr: 'min(pg_up)', legend: 'up' }));
}

export const dashboards: Record<string, () => cog.Builder<dashboard.Dashboard>> = {
  'otk-fleet': fleetOverview,
  'otk-practice': practiceView,
  'otk-infrastructure': infrastructure,
};

/** Each dashboard's JSON model, by file name (without .json). */
export function renderDashboards(): Map<string, dashboard.Dashboard> {
  return new Map(Object.entries(dashboards).map(([name, build]) => [name, build().build()]));
}

/** Every PromQL expression of a dashboard, with its panel's title and its legend. */
export function panelQueries(model: dashboard.Dashboard): { panel: string; expr: string; legend: string }[] {
  const queries: { panel: string; expr: string; legend: string }[] = [];
  for (const panel of model.panels ?? []) {
    if (!('targets' in panel) || !panel.targets) continue;
    for (const t of panel.targets as { expr?: string; legendFormat?: string }[]) {
      if (t.expr) queries.push({ panel: panel.title ?? '', expr: t.expr, legend: t.legendFormat ?? '' });
    }
  }
  return queries;
}

export const dashboardDir = 'charts/otk/files/dashboards';

/** Every file `npm run dashboards` writes, by path relative to the repository root. */
export function renderDashboardFiles(): Map<string, string> {
  return new Map(
    [...renderDashboards()].map(([name, model]) => [
      `${dashboardDir}/${name}.json`,
      `${JSON.stringify(model, null, 2)}\n`,
    ]),
  );
}
