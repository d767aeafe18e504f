import type { PrometheusServer, PromqlNode } from './prometheus-server.js';

export interface ExpressionReport {
  /** Series the whole expression returned, evaluated by Prometheus now. */
  series: number;
  /** Metrics or labels the expression names that the scraped data does not have. */
  problems: string[];
}

interface Selector {
  name: string;
  matchers: { name: string; type: string; value: string }[];
}

const children = (node: PromqlNode): PromqlNode[] =>
  Object.values(node).flatMap((value) =>
    Array.isArray(value)
      ? value.filter((v): v is PromqlNode => typeof (v as PromqlNode | null)?.type === 'string')
      : typeof (value as PromqlNode | null)?.type === 'string'
        ? [value as PromqlNode]
        : [],
  );

function selectorsUnder(node: PromqlNode): Selector[] {
  if (node.type === 'vectorSelector' || node.type === 'matrixSelector')
    return [{ name: node.name ?? '', matchers: node.matchers ?? [] }];
  return children(node).flatMap(selectorsUnder);
}

function groupingsUnder(node: PromqlNode): { labels: string[]; selectors: Selector[] }[] {
  const own =
    node.type === 'aggregation' && !node.without && (node.grouping ?? []).length > 0
      ? [{ labels: node.grouping!, selectors: selectorsUnder(node) }]
      : [];
  return [...own, ...children(node).flatMap(groupingsUnder)];
}

const selectorText = (matchers: Selector['matchers']) =>
  `{${matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(',')}}`;

/**
 * Checks one expression with Prometheus itself: parsed by its parser, every metric it selects must
 * be exposed by a scraped target, a service or an exporter (declared by a scrape; a labelled
 * counter that never counted has no series yet), every label a selector matches on or an
 * aggregation groups by must be on the selected metric's series, and the whole expression is
 * evaluated for the number of series it returns.
 */
export async function checkExpression(prometheus: PrometheusServer, expr: string): Promise<ExpressionReport> {
  const report: ExpressionReport = { series: 0, problems: [] };
  let ast: PromqlNode;
  try {
    ast = await prometheus.parse(expr);
  } catch (error) {
    report.problems.push(String(error));
    return report;
  }
  const count = async (selector: string) => (await prometheus.query(`count(${selector})`)).length;
  const hasLabel = async (metric: string, label: string) =>
    (await count(
      selectorText([
        { name: '__name__', type: '=', value: metric },
        { name: label, type: '!=', value: '' },
      ]),
    )) > 0;

  const scraped = new Set<string>();
  for (const { name, matchers } of selectorsUnder(ast)) {
    if ((await count(selectorText([{ name: '__name__', type: '=', value: name }]))) === 0) {
      // A labelled counter that never counted (no failure yet) is declared but has no series.
      if (!(await prometheus.declared(name)))
        report.problems.push(`metric ${name} is not exposed by any scraped target`);
      continue;
    }
    scraped.add(name);
    for (const matcher of matchers)
      if (matcher.name !== '__name__' && !(await hasLabel(name, matcher.name)))
        report.problems.push(`label ${matcher.name} is not on ${name}`);
  }
  for (const { labels, selectors } of groupingsUnder(ast)) {
    const names = [...new Set(selectors.map((s) => s.name))].filter((n) => scraped.has(n));
    if (names.length === 0) continue;
    for (const label of labels) {
      const found = await Promise.all(names.map((name) => hasLabel(name, label)));
      if (!found.some(Boolean)) report.problems.push(`grouping label ${label} is on none of ${names.join(', ')}`);
    }
  }
  report.problems = [...new Set(report.problems)];
  if (report.problems.length === 0) report.series = (await prometheus.query(expr)).length;
  return report;
}
