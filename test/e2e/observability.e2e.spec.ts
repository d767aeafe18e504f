import { createPool } from '@otk/db';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { panelQueries, renderDashboards } from '../../observability/src/dashboards.js';
import { ruleGroups } from '../../observability/src/rules.js';
import { startDemoStack } from '../support/demo-stack.js';
import { listenForLinkTokens } from '../support/link-tokens.js';
import { aHoldRequest, getJson, offeredSlots, postJson } from '../support/factories.js';
import {
  type Recorded,
  type Scrape,
  type SelectorReport,
  checkExpression,
  parseExposition,
} from '../support/scraped-metrics.js';
import type { Stack } from '../support/stack.js';

/**
 * Every panel and alert expression against what the services really expose after a booking
 * funnel: each metric it names must be registered, each label it selects or groups by must be on
 * the metric's series, and each dashboard panel must select series. The selectors are matched
 * against the scraped samples; the PromQL functions around them are not evaluated (no
 * Prometheus server runs here). RabbitMQ's and postgres_exporter's metrics are not scraped.
 */
describe('metrics after a booking funnel: every dashboard panel and alert expression finds its series', function () {
  this.timeout(300000);
  let stack: Stack;
  let pool: pg.Pool;
  let scrape: Scrape;

  before(async () => {
    stack = await startDemoStack({ env: { HOLD_EXPIRY_SWEEP_INTERVAL_MS: '2000' } });
    pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    const api = (path: string) => `${stack.gatewayUrl}/api/v1${path}`;
    const slots = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
    const later = slots.filter((s) => Date.parse(s.start) > Date.now() + 2 * 86400_000);
    const links = await listenForLinkTokens(stack.env.AMQP_URL!);
    const tokenOf = (bookingId: string) => links.confirmTokenOf(bookingId);
    const hold = async (index: number) => {
      const answer = await postJson(api('/holds'), aHoldRequest(later[index]!));
      expect(answer.status).to.equal(201);
      return String(answer.body.bookingId);
    };
    // The funnel: one confirmed, one withdrawn, one expired by its delayed message.
    const confirmed = await hold(0);
    expect((await postJson(api('/bookings/confirm'), { token: await tokenOf(confirmed) })).status).to.equal(200);
    const withdrawn = await hold(1);
    expect((await postJson(api('/bookings/withdraw'), { token: await tokenOf(withdrawn) })).status).to.equal(200);
    await pool.query('UPDATE hold_manager.settings SET confirmation_window_seconds = 2');
    await hold(2);
    await links.stop();
    await getJson(api('/bookings/manage?token=not-a-token'));

    const scrapeAll = async () =>
      parseExposition(
        (
          await Promise.all(
            Object.values(stack.services).map(async (s) => (await fetch(`${s.managementUrl}/metrics`)).text()),
          )
        ).join('\n'),
        { practice: 'e2e' },
      );
    // Until the expiry, the e-mails and the practice-system sync have all happened.
    scrape = await waitFor(
      async () => {
        const current = await scrapeAll();
        const has = (name: string, labels: Record<string, string> = {}) =>
          current.samples.some(
            (s) => s.name === name && s.value > 0 && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
          );
        return has('hold_expiry_lag_seconds_count', { trigger: 'message' }) &&
          has('notification_handoff_seconds_count', { kind: 'provisional-request' }) &&
          has('pixelmedics_sync_delay_seconds_count') &&
          has('messaging_event_lag_seconds_count', { queue: 'availability.events' })
          ? current
          : undefined;
      },
      { timeoutMs: 60000, intervalMs: 500, what: 'the funnel to reach every service' },
    );
  });

  after(async () => {
    await pool?.end();
    await stack?.stop();
  });

  const recorded = new Map<string, Recorded[]>();
  for (const rule of ruleGroups().flatMap((g) => g.rules))
    if ('record' in rule) recorded.set(rule.record, [...(recorded.get(rule.record) ?? []), rule]);
  const fill = (expr: string) =>
    expr.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '3h').replaceAll('$practice', 'e2e');
  const table = (rows: { name: string; report: SelectorReport }[]) =>
    rows.map(({ name, report }) => `${String(report.series).padStart(5)}  ${name}`).join('\n');

  it('when each dashboard panel is matched against the scrape, then every one selects series and names only existing metrics and labels', () => {
    const rows: { name: string; report: SelectorReport }[] = [];
    for (const [uid, model] of renderDashboards()) {
      if (uid === 'otk-infrastructure') continue;
      for (const query of panelQueries(model))
        rows.push({
          name: `${uid} / ${query.panel} [${query.legend}]`,
          report: checkExpression(fill(query.expr), scrape, recorded),
        });
    }
    process.stdout.write(`\n      series  dashboard panel\n${table(rows)}\n`);
    const problems = rows.flatMap(({ name, report }) => [
      ...report.problems.map((p) => `${name}: ${p}`),
      ...(report.series === 0 ? [`${name}: no series`] : []),
    ]);
    expect(problems).to.deep.equal([]);
  });

  it('when each rule expression is matched against the scrape, then it names only existing metrics and labels', () => {
    const rows: { name: string; report: SelectorReport }[] = [];
    for (const group of ruleGroups()) {
      for (const rule of group.rules) {
        const name =
          'alert' in rule ? `${rule.alert} (${rule.labels.severity})` : `${rule.record}{slo="${rule.labels.slo}"}`;
        rows.push({ name, report: checkExpression(rule.expr, scrape, recorded) });
      }
    }
    process.stdout.write(
      `\n      series  rule (series its selectors match; alerts stay quiet on a healthy stack)\n${table(rows)}\n`,
    );
    expect(rows.flatMap(({ name, report }) => report.problems.map((p) => `${name}: ${p}`))).to.deep.equal([]);
    // The service levels' inputs all have data after the funnel.
    for (const row of rows.filter((r) => r.name.startsWith('practice:slo_error_ratio:rate5m')))
      expect(row.report.series, row.name).to.be.greaterThan(0);
  });
});
