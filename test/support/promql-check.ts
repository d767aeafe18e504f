import { isDeepStrictEqual } from 'node:util';
import type { PrometheusServer, PromqlNode } from './prometheus-server.js';

export interface ExpressionReport {
  /**
   * Series the expression returned, evaluated by Prometheus now; for an expression with a threshold
   * or a set operator, the fewest that any of its proofs returned (see `proofsOf`).
   */
  series: number;
  /** How many expressions were evaluated to prove it. */
  proofs: number;
  /** Metrics or labels the expression names that the scraped data does not have, and proofs without data. */
  problems: string[];
}

interface Selector {
  name: string;
  text: string;
  matchers: { name: string; type: string; value: string }[];
  /** Inside the left side of `… or … * 0`: a series that only an error creates may be missing. */
  zeroFallback: boolean;
}

const children = (node: PromqlNode): PromqlNode[] =>
  Object.values(node).flatMap((value) =>
    Array.isArray(value)
      ? value.filter((v): v is PromqlNode => typeof (v as PromqlNode | null)?.type === 'string')
      : typeof (value as PromqlNode | null)?.type === 'string'
        ? [value as PromqlNode]
        : [],
  );

const unwrap = (node: PromqlNode): PromqlNode => (node.type === 'parenExpr' ? unwrap(node.expr as PromqlNode) : node);

/** `… * 0`: the right side of `bad or all * 0`, which makes a ratio 0 rather than missing while nothing failed. */
function isZeroFallback(node: PromqlNode): boolean {
  const n = unwrap(node);
  const rhs = n.type === 'binaryExpr' ? unwrap(n.rhs as PromqlNode) : undefined;
  return n.op === '*' && rhs?.type === 'numberLiteral' && Number(rhs.val) === 0;
}

const isSetOperator = (node: PromqlNode) =>
  node.type === 'binaryExpr' && ['and', 'or', 'unless'].includes(String(node.op));
const comparisons = new Set(['==', '!=', '>', '<', '>=', '<=']);

function selectorsUnder(node: PromqlNode, zeroFallback = false): Selector[] {
  if (node.type === 'vectorSelector' || node.type === 'matrixSelector') {
    const matchers = (node.matchers ?? []).filter((m) => m.name !== '__name__');
    return [{ name: node.name ?? '', text: `${node.name ?? ''}${matcherText(matchers)}`, matchers, zeroFallback }];
  }
  if (node.type === 'binaryExpr' && node.op === 'or' && isZeroFallback(node.rhs as PromqlNode))
    return [...selectorsUnder(node.lhs as PromqlNode, true), ...selectorsUnder(node.rhs as PromqlNode, zeroFallback)];
  return children(node).flatMap((child) => selectorsUnder(child, zeroFallback));
}

function groupingsUnder(node: PromqlNode): { labels: string[]; selectors: Selector[] }[] {
  const own =
    node.type === 'aggregation' && !node.without && (node.grouping ?? []).length > 0
      ? [{ labels: node.grouping!, selectors: selectorsUnder(node) }]
      : [];
  return [...own, ...children(node).flatMap(groupingsUnder)];
}

const matcherText = (matchers: Selector['matchers']) =>
  `{${matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(',')}}`;

const duration = (ms: unknown) => `${Number(ms)}ms`;

/** `name{…}` as written: the name's own `__name__` matcher is the name in front of the braces. */
const selectorText = (node: PromqlNode) => {
  const own = (m: { name: string; type: string; value: string }) =>
    node.name && m.name === '__name__' && m.type === '=' && m.value === node.name;
  return `${node.name ?? ''}${matcherText((node.matchers ?? []).filter((m) => !own(m)))}`;
};

/**
 * PromQL text of a syntax tree as Prometheus' /api/v1/parse_query answers it, every operand in
 * parentheses. With `disarm`, every comparison gets `bool`: it answers 0 or 1 for every series
 * it compares instead of dropping those on the quiet side of its threshold.
 */
export function printPromql(node: PromqlNode, disarm = false): string {
  const p = (child: unknown) => printPromql(child as PromqlNode, disarm);
  const modifiers = () =>
    (Number(node.offset) ? ` offset ${duration(node.offset)}` : '') +
    (node.timestamp != null ? ` @ ${Number(node.timestamp) / 1000}` : '') +
    (node.startOrEnd ? ` @ ${String(node.startOrEnd)}()` : '');
  switch (node.type) {
    case 'numberLiteral':
      return String(node.val);
    case 'stringLiteral':
      return JSON.stringify(node.val);
    case 'parenExpr':
      return `(${p(node.expr)})`;
    case 'unaryExpr':
      return `${String(node.op)}(${p(node.expr)})`;
    case 'vectorSelector':
      return `${selectorText(node)}${modifiers()}`;
    case 'matrixSelector':
      return `${selectorText(node)}[${duration(node.range)}]${modifiers()}`;
    case 'subquery':
      return `(${p(node.expr)})[${duration(node.range)}:${Number(node.step) ? duration(node.step) : ''}]${modifiers()}`;
    case 'call':
      return `${(node.func as { name: string }).name}(${(node.args as PromqlNode[]).map(p).join(', ')})`;
    case 'aggregation': {
      const grouping = node.grouping ?? [];
      const by = node.without
        ? ` without (${grouping.join(', ')})`
        : grouping.length
          ? ` by (${grouping.join(', ')})`
          : '';
      return `${String(node.op)}${by} (${node.param ? `${p(node.param)}, ` : ''}${p(node.expr)})`;
    }
    case 'binaryExpr': {
      const m = node.matching as { card: string; labels: string[]; on: boolean; include: string[] } | null;
      const matching = !m
        ? ''
        : (m.on ? ` on (${m.labels.join(', ')})` : m.labels.length ? ` ignoring (${m.labels.join(', ')})` : '') +
          (m.card === 'many-to-one' ? ` group_left (${m.include.join(', ')})` : '') +
          (m.card === 'one-to-many' ? ` group_right (${m.include.join(', ')})` : '');
      const bool = node.bool || (disarm && comparisons.has(String(node.op))) ? ' bool' : '';
      return `(${p(node.lhs)}) ${String(node.op)}${bool}${matching} (${p(node.rhs)})`;
    }
    default:
      throw new Error(`no PromQL text for a ${node.type} node`);
  }
}

/** The tree without its parentheses, which only group what the tree already holds. */
function withoutParens(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutParens);
  if (value === null || typeof value !== 'object') return value;
  const node = value as PromqlNode;
  if (node.type === 'parenExpr') return withoutParens(node.expr);
  return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, withoutParens(child)]));
}

const containsUnless = (node: PromqlNode): boolean =>
  (node.type === 'binaryExpr' && node.op === 'unless') || children(node).some(containsUnless);

/**
 * What must return data for an expression to be proven, each disarmed (its comparisons with
 * `bool`, so a quiet system still answers): the whole expression; each side of a comparison that
 * selects data (`NaN > bool 60` is 0, so the whole alone would hide a 0/0); each side of a set operator
 * (`and`, `or`, `unless`) on its own, so one side with data cannot hide the other, except the
 * error side of `bad or all * 0`; and the two sides of `and` and `unless` joined with `and` on the
 * operator's own matching, so `unless` can cut and `and` can pass. An expression with `unless` in
 * it is not evaluated whole: while its right side has data, it rightly answers nothing.
 */
export function proofsOf(ast: PromqlNode): string[] {
  const proofs = new Set<string>();
  const add = (node: PromqlNode) => {
    if (!containsUnless(node)) proofs.add(printPromql(node, true));
  };
  add(ast);
  const visit = (node: PromqlNode) => {
    // `bool` answers 0 for NaN: each side of a comparison that selects data must be a number itself.
    if (node.type === 'binaryExpr' && comparisons.has(String(node.op)))
      for (const side of [node.lhs as PromqlNode, node.rhs as PromqlNode])
        if (selectorsUnder(side).length > 0) add(side);
    if (isSetOperator(node)) {
      const lhs = node.lhs as PromqlNode;
      const rhs = node.rhs as PromqlNode;
      if (!(node.op === 'or' && isZeroFallback(rhs))) [lhs, rhs].forEach(add);
      if (node.op !== 'or') add({ ...node, op: 'and' });
    }
    children(node).forEach(visit);
  };
  visit(ast);
  return [...proofs];
}

/**
 * Checks one expression with Prometheus itself, parsed by its parser:
 * - every selector must return series, and every label it matches on or an aggregation groups by
 *   must be on its metric's series. The one exception is the error side of `bad or all * 0` (a
 *   5xx series exists only once a request failed): its metric and labels must exist all the same;
 * - every proof of it (`proofsOf`) is evaluated and must return series with at least one value
 *   that is not NaN (a rate over a window without a rise, a quantile of nothing, 0/0);
 * - the PromQL text the proofs are printed from is parsed again and must give the same tree.
 */
export async function checkExpression(prometheus: PrometheusServer, expr: string): Promise<ExpressionReport> {
  const report: ExpressionReport = { series: 0, proofs: 0, problems: [] };
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
      matcherText([
        { name: '__name__', type: '=', value: metric },
        { name: label, type: '!=', value: '' },
      ]),
    )) > 0;

  const scraped = new Set<string>();
  for (const selector of selectorsUnder(ast)) {
    const { name, matchers } = selector;
    if ((await count(matcherText([{ name: '__name__', type: '=', value: name }]))) === 0) {
      report.problems.push(
        (await prometheus.declared(name))
          ? `metric ${name} is declared but has no series`
          : `metric ${name} is not exposed by any scraped target`,
      );
      continue;
    }
    scraped.add(name);
    const missingLabels: string[] = [];
    for (const matcher of matchers) if (!(await hasLabel(name, matcher.name))) missingLabels.push(matcher.name);
    for (const label of missingLabels) report.problems.push(`label ${label} is not on ${name}`);
    if (missingLabels.length === 0 && !selector.zeroFallback)
      if ((await count(matcherText([{ name: '__name__', type: '=', value: name }, ...matchers]))) === 0)
        report.problems.push(`selector ${selector.text} has no series`);
  }
  for (const { labels, selectors } of groupingsUnder(ast)) {
    const names = [...new Set(selectors.map((s) => s.name))].filter((n) => scraped.has(n));
    if (names.length === 0) continue;
    for (const label of labels) {
      const found = await Promise.all(names.map((name) => hasLabel(name, label)));
      if (!found.some(Boolean)) report.problems.push(`grouping label ${label} is on none of ${names.join(', ')}`);
    }
  }

  const printed = printPromql(ast);
  if (!isDeepStrictEqual(withoutParens(await prometheus.parse(printed)), withoutParens(ast)))
    report.problems.push(`the checker prints it as ${printed}, which Prometheus parses differently`);
  report.problems = [...new Set(report.problems)];
  if (report.problems.length > 0) return report;

  const proofs = proofsOf(ast);
  report.proofs = proofs.length;
  report.series = Infinity;
  for (const proof of proofs) {
    const answer = await prometheus.query(proof);
    report.series = Math.min(report.series, answer.length);
    if (answer.length === 0) report.problems.push(`no series: ${proof}`);
    else if (answer.every((s) => Number.isNaN(Number(s.value)))) report.problems.push(`only NaN: ${proof}`);
  }
  return report;
}
