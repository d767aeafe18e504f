import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { renderRuleFiles, rulesFile, rulesTestFile } from '../../observability/src/render-rules.js';
import { alertingRules } from '../../observability/src/rules.js';
import { renderChart, repositoryRoot, run, tool } from '../support/k8s-tools.js';

interface TestFile {
  tests: {
    name: string;
    alert_rule_test: { alertname: string; exp_alerts: { exp_labels: Record<string, string> }[] }[];
  }[];
}

describe('alert rules (observability/src → charts/otk/files/prometheus-rules.yaml)', function () {
  this.timeout(300000);
  const alerts = [...new Set(alertingRules().map((rule) => rule.alert))];

  it('when rendered again, then the rules file, its tests and the runbooks are what the repository holds', () => {
    for (const [path, text] of renderRuleFiles()) {
      const committed = existsSync(join(repositoryRoot, path)) ? readFileSync(join(repositoryRoot, path), 'utf8') : '';
      expect(committed, `${path} is out of date: run npm run rules`).to.equal(text);
    }
  });

  it('when read, then every alert has a summary, a description, a severity, a runbook_url and a runbook page', () => {
    for (const rule of alertingRules()) {
      expect(rule.annotations.summary, rule.alert).to.match(/\S/);
      expect(rule.annotations.description, rule.alert).to.match(/\S/);
      expect(rule.labels.severity, rule.alert).to.be.oneOf(['critical', 'warning']);
      expect(rule.annotations.runbook_url, rule.alert).to.match(new RegExp(`/docs/runbooks/${rule.alert}\\.md$`));
      expect(existsSync(join(repositoryRoot, 'docs/runbooks', `${rule.alert}.md`)), rule.alert).to.equal(true);
      // Every alert is about one practice: its expression keeps the label, its text names it.
      expect(rule.expr, rule.alert).to.match(/practice/);
      expect(rule.annotations.summary, rule.alert).to.include('{{ $labels.practice }}');
    }
  });

  it('when the unit tests are listed, then every alert has a case where it fires with its practice and one where it stays quiet', () => {
    const tests = parse(readFileSync(join(repositoryRoot, rulesTestFile), 'utf8')) as TestFile;
    for (const alert of alerts) {
      const cases = tests.tests.flatMap((t) => t.alert_rule_test).filter((c) => c.alertname === alert);
      const firing = cases.filter((c) => c.exp_alerts.length > 0);
      expect(firing.length, `${alert} fires somewhere`).to.be.greaterThan(0);
      for (const c of firing) for (const a of c.exp_alerts) expect(a.exp_labels.practice, alert).to.equal('praxis-a');
      expect(cases.filter((c) => c.exp_alerts.length === 0).length, `${alert} stays quiet somewhere`).to.be.greaterThan(
        0,
      );
    }
  });

  it("when the chart renders its PrometheusRule, then it carries exactly the rules file's groups", async () => {
    const manifests = await renderChart('praxis', [], ['observability.prometheusRule.enabled=true']);
    const rule = manifests.find((m) => m.kind === 'PrometheusRule');
    const plain = parse(readFileSync(join(repositoryRoot, rulesFile), 'utf8')) as { groups: unknown[] };
    expect(rule?.spec?.groups).to.deep.equal(plain.groups);
  });

  it('when promtool checks the rules file, then it finds no error', async () => {
    const result = await run(tool('promtool'), ['check', 'rules', rulesFile]);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.match(/SUCCESS: \d+ rules found/);
  });

  it('when promtool runs the unit tests, then every one passes', async () => {
    const result = await run(tool('promtool'), ['test', 'rules', rulesTestFile], { timeoutMs: 240000 });
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.include('SUCCESS');
  });

  it('when a threshold is changed, then the unit tests catch it (they can fail)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otk-rules-'));
    const rules = readFileSync(join(repositoryRoot, rulesFile), 'utf8').replace(
      'outbox_oldest_pending_age_seconds{practice!=""}) > 60',
      'outbox_oldest_pending_age_seconds{practice!=""}) > 6000',
    );
    writeFileSync(join(dir, 'rules.yaml'), rules);
    const tests = readFileSync(join(repositoryRoot, rulesTestFile), 'utf8').replace(
      '../charts/otk/files/prometheus-rules.yaml',
      join(dir, 'rules.yaml'),
    );
    writeFileSync(join(dir, 'tests.yaml'), tests);

    const result = await run(tool('promtool'), ['test', 'rules', join(dir, 'tests.yaml')], { timeoutMs: 240000 });

    expect(result.code).to.not.equal(0);
    expect(result.stdout + result.stderr).to.include('OTKOutboxStale');
  });
});
