/**
 * Renders the service levels and cause alerts into Prometheus rule groups (promtool's format; the
 * chart's PrometheusRule carries the same groups), their promtool unit tests, and the runbooks.
 */
import { type CauseAlert, causeAlerts } from './cause-alerts.js';
import { type ServiceLevel, burnRates, errorRatioRecord, serviceLevels, windows } from './service-levels.js';

/** The chart replaces this prefix with `observability.prometheusRule.runbookBaseUrl` when set. */
export const defaultRunbookBaseUrl = 'https://github.com/otk/otk/blob/main/docs/runbooks/';

export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
}
export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: (AlertingRule | RecordingRule)[];
}

const runbookUrl = (alert: string) => `${defaultRunbookBaseUrl}${alert}.md`;

/** Errors over all events; 0, not missing, while nothing failed (no error series exists then). */
function sloRecordingRules(level: ServiceLevel): RecordingRule[] {
  return windows.map((window) => ({
    record: errorRatioRecord(window),
    expr: `(${level.errors.replaceAll('$window', window)}\nor\n${level.total.replaceAll('$window', window)} * 0)\n/\n${level.total.replaceAll('$window', window)}`,
    labels: { slo: level.id },
  }));
}

function budget(level: ServiceLevel): number {
  return Number((1 - level.objective).toPrecision(6));
}

function burnRateAlerts(level: ServiceLevel): AlertingRule[] {
  const ratio = (window: string) => `${errorRatioRecord(window)}{slo="${level.id}"}`;
  const objective = `${(level.objective * 100).toFixed(1)} %`;
  return (['critical', 'warning'] as const).map((severity) => ({
    alert: level.alert,
    expr: burnRates[severity]
      .map(({ long, short, factor }) => {
        const threshold = `(${factor} * ${budget(level)})`;
        return `(${ratio(long)} > ${threshold} and ${ratio(short)} > ${threshold})`;
      })
      .join('\nor\n'),
    for: severity === 'critical' ? '2m' : '15m',
    labels: { severity, slo: level.id },
    annotations: {
      summary: `${level.title} of {{ $labels.practice }} burns its error budget ${severity === 'critical' ? 'fast' : 'steadily'}`,
      description:
        severity === 'critical'
          ? `Practice {{ $labels.practice }} spends the 30-day error budget of "${level.title}" (objective ${objective}: ${level.good}) at 6 to 14.4 times the sustainable rate: at this pace it is gone within 2 to 5 days.`
          : `Practice {{ $labels.practice }} spends the 30-day error budget of "${level.title}" (objective ${objective}: ${level.good}) at 1 to 3 times the sustainable rate over the last day(s).`,
      runbook_url: runbookUrl(level.alert),
    },
  }));
}

function causeRule(alert: CauseAlert): AlertingRule {
  return {
    alert: alert.name,
    expr: alert.expr,
    for: alert.for,
    labels: { severity: alert.severity },
    annotations: { summary: alert.summary, description: alert.description, runbook_url: runbookUrl(alert.name) },
  };
}

export function ruleGroups(): RuleGroup[] {
  return [
    { name: 'otk-slo-error-ratios', interval: '1m', rules: serviceLevels.flatMap(sloRecordingRules) },
    { name: 'otk-slo-burn-rate-alerts', rules: serviceLevels.flatMap(burnRateAlerts) },
    { name: 'otk-cause-alerts', rules: causeAlerts.map(causeRule) },
  ];
}

export function alertingRules(): AlertingRule[] {
  return ruleGroups().flatMap((group) => group.rules.filter((rule): rule is AlertingRule => 'alert' in rule));
}

/** The text of an annotation as Prometheus expands it for these labels (only `$labels.x` is used). */
function expand(template: string, labels: Record<string, string>): string {
  return template.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: string) => labels[name] ?? '');
}

interface PromtoolTest {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test: {
    eval_time: string;
    alertname: string;
    exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
  }[];
}

function expected(rule: AlertingRule, labels: Record<string, string>) {
  const all = { ...labels, ...rule.labels, alertname: rule.alert };
  const { alertname: _, ...exp_labels } = all;
  return {
    exp_labels,
    exp_annotations: Object.fromEntries(
      Object.entries(rule.annotations).map(([key, value]) => [key, expand(value, all)]),
    ),
  };
}

/** promtool's unit tests: for every alert, a case where it fires and one where it stays quiet. */
export function ruleTests(rulesFile: string) {
  const rules = alertingRules();
  const tests: PromtoolTest[] = [];
  for (const level of serviceLevels) {
    const [critical, warning] = rules.filter((rule) => rule.alert === level.alert) as [AlertingRule, AlertingRule];
    tests.push({
      name: `${level.alert} fires, page and ticket, when every event is bad`,
      interval: '1m',
      input_series: level.testSeries(true),
      alert_rule_test: [
        // Within minutes the fast windows page; the slow ones, held for 15 m, have opened a ticket by 30 m.
        { eval_time: '10m', alertname: level.alert, exp_alerts: [expected(critical, { practice: 'praxis-a' })] },
        {
          eval_time: '30m',
          alertname: level.alert,
          exp_alerts: [expected(critical, { practice: 'praxis-a' }), expected(warning, { practice: 'praxis-a' })],
        },
      ],
    });
    tests.push({
      name: `${level.alert} stays quiet when every event is good`,
      interval: '1m',
      input_series: level.testSeries(false),
      alert_rule_test: ['10m', '30m', '1h'].map((at) => ({ eval_time: at, alertname: level.alert, exp_alerts: [] })),
    });
  }
  for (const alert of causeAlerts) {
    const rule = rules.find((r) => r.alert === alert.name)!;
    tests.push({
      name: `${alert.name} fires`,
      interval: '1m',
      input_series: alert.test.fires.series,
      alert_rule_test: [
        {
          eval_time: alert.test.fires.at,
          alertname: alert.name,
          exp_alerts: alert.test.fires.labels.map((labels) => expected(rule, labels)),
        },
      ],
    });
    for (const also of alert.test.alsoFires ?? [])
      tests.push({
        name: `${alert.name} fires ${also.name}`,
        interval: '1m',
        input_series: also.series,
        alert_rule_test: [
          {
            eval_time: also.at,
            alertname: alert.name,
            exp_alerts: also.labels.map((labels) => expected(rule, labels)),
          },
        ],
      });
    tests.push({
      name: `${alert.name} stays quiet`,
      interval: '1m',
      input_series: alert.test.quiet.series,
      alert_rule_test: [{ eval_time: alert.test.quiet.at, alertname: alert.name, exp_alerts: [] }],
    });
  }
  return { rule_files: [rulesFile], evaluation_interval: '1m', tests };
}

/** docs/runbooks/<alert>.md of every alert. */
export function runbooks(): Map<string, string> {
  const pages = new Map<string, string>();
  const rules = alertingRules();
  for (const level of serviceLevels) {
    const [critical] = rules.filter((rule) => rule.alert === level.alert) as [AlertingRule];
    pages.set(
      level.alert,
      page({
        name: level.alert,
        severity: 'critical (fast burn: pages) and warning (slow burn: ticket)',
        summary: critical.annotations.summary,
        expr: critical.expr,
        meaning:
          `The service level "${level.title}" (objective ${(level.objective * 100).toFixed(1)} % over 30 days: ${level.good}) ` +
          'spends its error budget faster than it can afford. `severity: critical` fires when 2 % of the budget went in the last hour ' +
          'or 5 % in the last 6 hours (burn rate 14.4 and 6, each confirmed by a short window so it clears soon after a fix); ' +
          '`severity: warning` when 10 % went in a day or in 3 days (burn rate 3 and 1). See docs/operations/slo.md.',
        confirm: [
          `Fleet overview, "Error budget burn": the practice's line for \`${level.id}\`; Prometheus: \`${errorRatioRecord('1h')}{slo="${level.id}",practice="<practice>"}\` against ${budget(level)}.`,
          'The practice view of the practice (Grafana variable `practice`): which service and which step is slow or failing.',
        ],
        act: [
          ...level.causes.map((cause) => `Likely cause: ${cause}.`),
          'Once the cause is fixed, the short window clears the page within minutes; the ticket alert clears when the long windows do.',
        ],
      }),
    );
  }
  for (const alert of causeAlerts) {
    pages.set(
      alert.name,
      page({
        name: alert.name,
        severity: alert.severity,
        summary: alert.summary,
        expr: alert.expr,
        meaning: alert.runbook.meaning,
        confirm: alert.runbook.confirm,
        act: alert.runbook.act,
      }),
    );
  }
  return pages;
}

function page(p: {
  name: string;
  severity: string;
  summary: string;
  expr: string;
  meaning: string;
  confirm: string[];
  act: string[];
}): string {
  return [
    `# ${p.name}`,
    '',
    '<!-- Generated by `npm run rules` from observability/src/; edit there. -->',
    '',
    `**Severity:** ${p.severity}. **Summary:** ${p.summary.replaceAll('{{ $labels.', '<').replaceAll(' }}', '>')}`,
    '',
    'Every alert carries the `practice` label: the release and namespace of the practice (`<practice>` below).',
    '',
    '## What it means',
    '',
    p.meaning,
    '',
    '## Expression',
    '',
    '```promql',
    p.expr,
    '```',
    '',
    '## How to confirm',
    '',
    ...p.confirm.map((line) => `- ${line}`),
    '',
    '## What to do',
    '',
    ...p.act.map((line) => `- ${line}`),
    '',
  ].join('\n');
}
