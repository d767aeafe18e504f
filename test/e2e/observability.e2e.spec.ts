import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPool } from '@otk/db';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { panelQueries, renderDashboards } from '../../observability/src/dashboards.js';
import { rulesFile } from '../../observability/src/render-rules.js';
import { alertingRules, ruleGroups } from '../../observability/src/rules.js';
import { launchChromium } from '../support/browser.js';
import { type PanelData, dashboardPage, legendOf, panelsOf } from '../support/dashboard-page.js';
import { startDemoStack } from '../support/demo-stack.js';
import { listenForLinkTokens } from '../support/link-tokens.js';
import { aHoldRequest, getJson, offeredSlots, postJson } from '../support/factories.js';
import { repositoryRoot, tool } from '../support/k8s-tools.js';
import type { ReceivedSpan } from '../support/otlp-receiver.js';
import { type PrometheusServer, startPrometheus } from '../support/prometheus-server.js';
import { type ExpressionReport, checkExpression } from '../support/promql-check.js';
import { type Stack, serviceNames } from '../support/stack.js';
import { type OwnRabbitMq, startOwnRabbitMq } from '../faults/support/own-rabbitmq.js';
import { type PostgresExporter, startPostgresExporter } from '../support/postgres-exporter.js';

/** Grafana's variables as a dashboard of the one practice of this test fills them in. */
const fill = (expr: string) =>
  expr.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '1h').replaceAll('$practice', 'e2e');

/**
 * The whole product after a booking funnel, scraped by a real Prometheus server every second with
 * the chart's rules loaded, together with the standard exporters of its broker and database: a
 * RabbitMQ node of the test's own with its built-in Prometheus plugin (never the shared broker) and
 * postgres_exporter on the test's database. Every dashboard panel query and every rule expression
 * is parsed and evaluated by Prometheus: each selector must have series and each proof of an
 * expression (test/support/promql-check.ts: an alert with its comparisons disarmed, each side of
 * its set operators) must answer a value that is not NaN. One booking's trace and log lines are
 * followed through all five services, and stopping the broker raises the alert on it.
 */
describe('observability of a booking funnel on the real stack, scraped by Prometheus', function () {
  this.timeout(300000);
  let stack: Stack;
  let pool: pg.Pool;
  let prometheus: PrometheusServer;
  let rabbitmq: OwnRabbitMq;
  let postgresExporter: PostgresExporter;
  /** The trace the first hold request of the funnel started, and the caller's span id it names. */
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  let tracedBookingId: string;
  let funnelStarted: number;

  before(async () => {
    const binary = tool('prometheus');
    const exporterBinary = tool('postgres_exporter');
    rabbitmq = await startOwnRabbitMq({ prometheus: true });
    stack = await startDemoStack({
      // The sweep only catches what its delayed message missed: on a busy machine, a sweep every
      // few seconds would take the expiries whose lag the funnel measures from their messages.
      env: { AMQP_URL: rabbitmq.url, HOLD_EXPIRY_SWEEP_INTERVAL_MS: '30000', LOG_LEVEL: 'debug' },
    });
    pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    postgresExporter = await startPostgresExporter({ binary: exporterBinary, databaseUrl: stack.env.DATABASE_URL! });
    // As the chart's monitors scrape a practice: the services keep their own labels, and every
    // series, the exporters' too, carries the practice.
    const practice = { practice: 'e2e' };
    prometheus = await startPrometheus({
      binary,
      jobs: [
        {
          job: 'otk',
          targets: serviceNames.map((name) => new URL(stack.services[name].managementUrl).host),
          labels: practice,
          honorLabels: true,
        },
        { job: 'rabbitmq', targets: [rabbitmq.prometheusTarget!], labels: practice },
        { job: 'postgres', targets: [postgresExporter.target], labels: practice },
      ],
      ruleFiles: [join(repositoryRoot, rulesFile)],
    });

    funnelStarted = Date.now();
    const api = (path: string) => `${stack.gatewayUrl}/api/v1${path}`;
    const slots = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
    const later = slots.filter((s) => Date.parse(s.start) > Date.now() + 2 * 86400_000);
    const links = await listenForLinkTokens(stack.env.AMQP_URL!);
    const tokenOf = (bookingId: string) => links.confirmTokenOf(bookingId);
    const hold = async (index: number, headers: Record<string, string> = {}) => {
      const answer = await postJson(api('/holds'), aHoldRequest(later[index]!), headers);
      expect(answer.status).to.equal(201);
      return String(answer.body.bookingId);
    };
    const { rows: settings } = await pool.query<{ seconds: number }>(
      'SELECT confirmation_window_seconds AS seconds FROM hold_manager.settings',
    );
    /** One confirmed, one withdrawn, one expired by its delayed message, on the slots from `first` on. */
    const funnel = async (first: number) => {
      const confirmed = await hold(first);
      expect((await postJson(api('/bookings/confirm'), { token: await tokenOf(confirmed) })).status).to.equal(200);
      const withdrawn = await hold(first + 1);
      expect((await postJson(api('/bookings/withdraw'), { token: await tokenOf(withdrawn) })).status).to.equal(200);
      await pool.query('UPDATE hold_manager.settings SET confirmation_window_seconds = 2');
      await hold(first + 2);
      await pool.query('UPDATE hold_manager.settings SET confirmation_window_seconds = $1', [settings[0]!.seconds]);
      await getJson(api('/bookings/manage?token=not-a-token'));
    };
    /** Waits until every expression answers a series, naming those that do not when time runs out. */
    const untilAnswered = async (awaited: string[], what: string) => {
      let missing = awaited;
      await waitFor(
        async () => {
          const answers = await Promise.all(awaited.map(async (expr) => (await prometheus.query(expr)).length > 0));
          missing = awaited.filter((_, index) => !answers[index]);
          return missing.length === 0 ? true : undefined;
        },
        { timeoutMs: 90000, intervalMs: 500, what },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; no series yet for: ${missing.join(', ')}`);
      });
    };

    // One hold that stays held, in a trace of the caller's; then the funnel, twice. A rate (and a
    // quantile or ratio of rates) needs a series to rise between two scrapes, and a labelled series
    // is born at its first count: the second round makes every series of the first one rise.
    tracedBookingId = await hold(3, { traceparent: `00-${traceId}-${callerSpanId}-01` });
    await funnel(0);
    await untilAnswered(
      [
        'hold_expiry_lag_seconds_count{practice="e2e",trigger="message"} > 0',
        ...['provisional-request', 'confirmation', 'expiry'].map(
          (kind) => `notification_handoff_seconds_count{practice="e2e",kind="${kind}"} > 0`,
        ),
        'booking_commands_total{practice="e2e",command="booking.withdraw",outcome="ok"} > 0',
        'pixelmedics_sync_delay_seconds_count{practice="e2e"} > 0',
        // Each target is scraped at its own moment: the gateway's requests are awaited on their own.
        ...['/api/v1/holds', '/api/v1/bookings/confirm', '/api/v1/bookings/withdraw'].map(
          (route) => `http_request_duration_seconds_count{practice="e2e",service="gateway",route="${route}"} > 0`,
        ),
      ],
      "Prometheus to scrape the funnel's first round",
    );
    await funnel(4);
    await links.stop();

    // Until Prometheus has scraped the second round, the practice-system sync, the consumers' lag
    // and the exporters, has evaluated the service-level rules over them, and every dashboard panel
    // query answers a value that is not NaN (NaN >= -Inf is false).
    await untilAnswered(
      [
        'hold_expiry_lag_seconds_count{practice="e2e",trigger="message"} > 1',
        'notification_handoff_seconds_count{practice="e2e",kind="expiry"} > 1',
        'messaging_event_lag_seconds_count{practice="e2e",queue="availability.events"} > 0',
        'count(up{practice="e2e"} == 1) == 7',
        'rabbitmq_queues{practice="e2e"} > 0',
        'pg_stat_activity_count{practice="e2e"}',
        ...ruleGroups().flatMap((group) =>
          group.rules.flatMap((rule) => ('record' in rule ? [`${rule.record}{slo="${rule.labels.slo}"} >= -Inf`] : [])),
        ),
        ...[...renderDashboards().values()].flatMap((model) =>
          panelQueries(model).map((query) => `(${fill(query.expr)}) >= -Inf`),
        ),
      ],
      'Prometheus to scrape the funnel from every service, and every panel to answer',
    );
  });

  after(async () => {
    await prometheus?.stop();
    await postgresExporter?.stop();
    await pool?.end();
    await stack?.stop();
    await rabbitmq?.destroy();
  });

  const table = (heading: string, rows: { name: string; report: ExpressionReport }[]) =>
    `\n      series  proofs  ${heading}\n${rows
      .map(({ name, report }) => `${String(report.series).padStart(6)}  ${String(report.proofs).padStart(6)}  ${name}`)
      .join('\n')}\n`;

  it('when Prometheus evaluates each dashboard panel query, the RabbitMQ and PostgreSQL ones included, then every one returns series with a value that is not NaN, of selectors that have series, and names only labels that exist', async () => {
    const rows: { name: string; report: ExpressionReport }[] = [];
    for (const [uid, model] of renderDashboards())
      for (const query of panelQueries(model))
        rows.push({
          name: `${uid} / ${query.panel} [${query.legend}]`,
          report: await checkExpression(prometheus, fill(query.expr)),
        });
    process.stdout.write(table('dashboard panel', rows));
    expect(rows.flatMap(({ name, report }) => report.problems.map((p) => `${name}: ${p}`))).to.deep.equal([]);
    expect(rows.filter((r) => r.name.startsWith('otk-infrastructure /')).length).to.be.greaterThan(10);
  });

  it('when Prometheus evaluates each rule expression disarmed (every comparison with bool, every side of and, or and unless on its own), then each one returns series that are not NaN, of selectors that have series, and names only labels that exist', async () => {
    const rows: { name: string; report: ExpressionReport }[] = [];
    for (const group of ruleGroups())
      for (const rule of group.rules)
        rows.push({
          name:
            'alert' in rule ? `${rule.alert} (${rule.labels.severity})` : `${rule.record}{slo="${rule.labels.slo}"}`,
          report: await checkExpression(prometheus, rule.expr),
        });
    process.stdout.write(table('rule (an alert: the fewest series any of its proofs returned)', rows));
    expect(rows.flatMap(({ name, report }) => report.problems.map((p) => `${name}: ${p}`))).to.deep.equal([]);
    expect(rows.filter((r) => r.name.startsWith('OTK')).length).to.equal(alertingRules().length);
    // What the recording rules record, each window of each service level, is there and a number.
    for (const rule of ruleGroups().flatMap((group) => group.rules))
      if ('record' in rule) {
        const recorded = await prometheus.query(`${rule.record}{practice="e2e",slo="${rule.labels.slo}"}`);
        expect(
          recorded.map((s) => Number.isNaN(Number(s.value))),
          `${rule.record}{slo="${rule.labels.slo}"}`,
        ).to.deep.equal([false]);
      }
    // A healthy stack after the funnel pages nobody.
    const firing = await prometheus.query('ALERTS{alertstate="firing",severity="critical"}');
    expect(firing.map((s) => s.labels.alertname)).to.deep.equal([]);
  });

  it('when an alert selects a label value nothing has, divides nothing by nothing, names an unknown metric or joins sides that share no label, then the check names each (it can fail)', async () => {
    const problemsOf = async (expr: string) => (await checkExpression(prometheus, expr)).problems;
    expect(
      await problemsOf('sum by (practice) (rate(notifications_failed_total{practice!="",channel="fax"}[10m])) > 0'),
    ).to.deep.equal(['selector notifications_failed_total{practice!="",channel="fax"} has no series']);
    const nan = await problemsOf(
      'sum(rate(notifications_failed_total{practice="e2e",channel="sms"}[5m])) / sum(rate(notifications_sent_total{practice="e2e",channel="sms"}[5m])) > 0.1',
    );
    expect(nan).to.have.length(1);
    expect(nan[0]).to.match(/^only NaN: /);
    expect(await problemsOf('(up{practice!=""} == 0) or (otk_not_a_metric_total{practice!=""} > 0)')).to.deep.equal([
      'metric otk_not_a_metric_total is not exposed by any scraped target',
    ]);
    const unjoined = await problemsOf(
      'sum by (practice) (service_ready{practice="e2e"}) > 0 unless sum by (service) (service_ready{practice="e2e"}) > 0',
    );
    expect(unjoined).to.have.length(1);
    expect(unjoined[0]).to.match(/^no series: .+ and .+/);
    // The same expressions, written right, pass.
    expect(
      await problemsOf('sum by (practice) (rate(notifications_failed_total{practice!="",channel="email"}[10m])) > 0'),
    ).to.deep.equal([]);
  });

  it('when a hold is placed, then its trace holds spans of all five services linked by parent, and its log lines carry the trace id', async () => {
    const inTrace = () => stack.spans.filter((s) => s.traceId === traceId);
    const linked = (spans: ReceivedSpan[]) => {
      const ids = new Set(spans.map((s) => s.spanId));
      return spans.every((s) => s.parentSpanId === callerSpanId || (s.parentSpanId && ids.has(s.parentSpanId)));
    };
    const spans = await waitFor(
      () => {
        const spans = inTrace();
        const services = new Set(spans.map((s) => s.service));
        return serviceNames.every((name) => services.has(name)) && linked(spans) ? spans : undefined;
      },
      { timeoutMs: 30000, intervalMs: 200, what: 'spans of all five services, each with its parent, in one trace' },
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const roots = spans.filter((s) => s.parentSpanId === callerSpanId);
    expect(roots.map((s) => `${s.service} ${s.name}`)).to.deep.equal(['gateway POST /api/v1/holds']);
    // Every span leads up, parent by parent, to the gateway's request.
    for (const span of spans) {
      let current: ReceivedSpan | undefined = span;
      for (let depth = 0; current && current.parentSpanId !== callerSpanId && depth < 50; depth++)
        current = byId.get(current.parentSpanId!);
      expect(current, `${span.service} ${span.name}`).to.equal(roots[0]);
    }
    // Messaging spans as the semantic conventions name them: the relay's publish, each consumer's process.
    const producer = spans.find(
      (s) => s.kind === 4 && s.service === 'hold-manager' && s.name === 'publish booking.held',
    );
    expect(producer?.attributes['messaging.system']).to.equal('rabbitmq');
    for (const service of ['notification', 'availability', 'pixelmedics-sync']) {
      const consumer = spans.find((s) => s.kind === 5 && s.service === service && /^process \S+\.events$/.test(s.name));
      expect(consumer, `${service} processes the booking from its events queue`).to.not.equal(undefined);
      expect(consumer?.attributes['messaging.operation.type'], service).to.equal('process');
    }

    // The lines the services logged about this booking or its event: those written while the
    // request and its messages were handled carry the trace and one of its spans; the
    // practice-system sync worker applies its jobs later on its own and carries no trace at all.
    const { rows } = await pool.query<{ id: string }>(
      `SELECT event_id AS id FROM hold_manager.outbox WHERE event_type = 'booking.held' AND subject_id = $1`,
      [tracedBookingId],
    );
    const heldEventId = rows[0]!.id;
    const lines = serviceNames.flatMap((name) =>
      stack.services[name].logs
        .filter((line) => [tracedBookingId, heldEventId, traceId].some((id) => JSON.stringify(line).includes(id)))
        .map((line) => ({ service: name, msg: String(line.msg), traceId: line.trace_id, spanId: line.span_id })),
    );
    const spanIds = new Set(spans.map((s) => s.spanId));
    const traced = lines.filter((l) => l.traceId !== undefined);
    expect(new Set(traced.map((l) => l.service)), 'services that logged within the trace').to.include.members([
      'availability',
      'notification',
    ]);
    for (const line of traced) {
      expect(line.traceId, `${line.service}: ${line.msg}`).to.equal(traceId);
      expect(spanIds.has(String(line.spanId)), `${line.service}: ${line.msg} names a span of the trace`).to.equal(true);
    }
    expect(
      lines.filter((l) => l.traceId === undefined).map((l) => `${l.service}: ${l.msg}`),
      'lines without a trace',
    ).to.deep.equal(['pixelmedics-sync: booking synced to the practice system']);
  });

  it('when the practice view is drawn from what Prometheus answers over the funnel, then every panel shows data', async () => {
    const model = renderDashboards().get('otk-practice')!;
    const seconds = Math.ceil((Date.now() - funnelStarted) / 1000) + 10;
    const panels: PanelData[] = [];
    const withoutValues: string[] = [];
    for (const { panel, targets } of panelsOf(model)) {
      const series: PanelData['series'] = [];
      for (const target of targets) {
        const results = await prometheus.queryRange(fill(target.expr), seconds, 1);
        for (const result of results)
          series.push({
            legend: legendOf(target.legendFormat, result.labels),
            points: result.values.map(([t, v]) => [t, Number.isFinite(Number(v)) ? Number(v) : null]),
          });
        if (!results.some((r) => r.values.some(([, v]) => !Number.isNaN(Number(v)))))
          withoutValues.push(`${panel.title} [${target.legendFormat}]`);
      }
      panels.push({ ...panel, series });
    }
    expect(withoutValues, 'panel targets without a value that is not NaN').to.deep.equal([]);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await page.setContent(
        dashboardPage(
          model.title ?? '',
          `practice = e2e · the last ${seconds} s · drawn from Prometheus' answers`,
          panels,
        ),
      );
      await page.waitForSelector('body[data-drawn="true"]');
      const drawn = await page.$$eval('.panel', (elements) =>
        elements.map((e) => ({ title: e.querySelector('h2')?.textContent ?? '', series: Number(e.dataset.series) })),
      );
      expect(drawn.map((p) => p.title)).to.deep.equal(panels.filter((p) => p.type !== 'row').map((p) => p.title));
      expect(
        drawn.filter((p) => p.series === 0).map((p) => p.title),
        'panels without data',
      ).to.deep.equal([]);
      const artifacts = join(repositoryRoot, 'test-artifacts/observability');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, 'practice-dashboard.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  // Last: the broker stays down for the rest of the suite.
  it("when the practice's RabbitMQ node stops, then OTKRabbitMQUnreachable goes pending for every service that was connected, and its scrape fails", async () => {
    const connected = (await prometheus.query('messaging_broker_connected{practice="e2e"} == 1'))
      .map((s) => s.labels.service)
      .sort();
    expect(connected, 'services connected to the broker').to.include.members(['hold-manager', 'notification']);

    await rabbitmq.stop();

    const pending = await waitFor(
      async () => {
        const alerts = await prometheus.query('ALERTS{alertname="OTKRabbitMQUnreachable",practice="e2e"}');
        const services = alerts.map((s) => s.labels.service).sort();
        return services.length === connected.length ? alerts : undefined;
      },
      { timeoutMs: 30000, intervalMs: 500, what: 'OTKRabbitMQUnreachable for every service that was connected' },
    );
    expect(pending.map((s) => s.labels.service).sort()).to.deep.equal(connected);
    // Pending for its first 2 minutes: a broker restart does not page.
    expect(new Set(pending.map((s) => s.labels.alertstate))).to.deep.equal(new Set(['pending']));
    await waitFor(async () => ((await prometheus.query('up{job="rabbitmq"} == 0')).length === 1 ? true : undefined), {
      timeoutMs: 10000,
      what: "the broker's scrape to fail",
    });
  });
});
