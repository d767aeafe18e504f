import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { panelQueries, renderDashboardFiles, renderDashboards } from '../../observability/src/dashboards.js';
import { ruleGroups } from '../../observability/src/rules.js';
import { repositoryRoot, run, tool } from '../support/k8s-tools.js';
import { unknownMetrics } from './support/metric-names.js';

/** What Grafana puts in for its variables, so promtool can parse the expression. */
function withVariablesFilled(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$__range', '3h').replaceAll('$practice', 'praxis-a');
}

describe('Grafana dashboards (observability/src/dashboards.ts → charts/otk/files/dashboards/)', function () {
  this.timeout(60000);
  const models = renderDashboards();
  const recorded = new Set(
    ruleGroups().flatMap((g) => g.rules.flatMap((rule) => ('record' in rule ? [rule.record] : []))),
  );

  it('when rendered again (npm run dashboards), then the JSON is what the repository holds', () => {
    for (const [path, text] of renderDashboardFiles()) {
      const file = join(repositoryRoot, path);
      expect(
        existsSync(file) ? readFileSync(file, 'utf8') : '',
        `${path} is out of date: run npm run dashboards`,
      ).to.equal(text);
    }
  });

  it('when opened, then the fleet and practice views choose the practice with a template variable', () => {
    for (const uid of ['otk-fleet', 'otk-practice']) {
      const model = models.get(uid)!;
      const variable = model.templating?.list?.find((v) => v.name === 'practice');
      expect(variable, uid).to.include({ type: 'query' });
      expect(JSON.stringify(model.panels)).to.include(
        uid === 'otk-fleet' ? 'practice=~\\"$practice\\"' : 'practice=\\"$practice\\"',
      );
    }
  });

  it('when every panel query is parsed by promtool, then each is valid PromQL', async () => {
    const rules = [...models].flatMap(([uid, model]) =>
      panelQueries(model).map((query, index) => ({
        record: `dashboard:${uid.replaceAll('-', '_')}:${index}`,
        expr: withVariablesFilled(query.expr),
      })),
    );
    expect(rules.length).to.be.greaterThan(40);
    const dir = mkdtempSync(join(tmpdir(), 'otk-dashboards-'));
    writeFileSync(join(dir, 'panels.yaml'), stringify({ groups: [{ name: 'panels', rules }] }));

    const result = await run(tool('promtool'), ['check', 'rules', '--lint=none', join(dir, 'panels.yaml')]);

    expect(result.code, result.stdout + result.stderr).to.equal(0);
  });

  it('when a panel or an alert names a metric, then a service, an exporter or a recording rule produces it', () => {
    const problems: string[] = [];
    for (const [uid, model] of models) {
      for (const query of panelQueries(model)) {
        const unknown = unknownMetrics(query.expr, recorded);
        if (unknown.length) problems.push(`${uid} / ${query.panel}: ${unknown.join(', ')}`);
      }
    }
    for (const group of ruleGroups()) {
      for (const rule of group.rules) {
        const unknown = unknownMetrics(rule.expr, recorded);
        if (unknown.length) problems.push(`${'alert' in rule ? rule.alert : rule.record}: ${unknown.join(', ')}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('when a metric name is misspelt, then the check above names it (it can fail)', () => {
    expect(unknownMetrics('sum(rate(outbox_publishd_total{practice="a"}[5m]))', recorded)).to.deep.equal([
      'outbox_publishd_total',
    ]);
  });
});
