/** Prometheus text exposition, parsed, and the vector selectors of a PromQL expression matched against it. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  samples: Sample[];
  /** Every metric name a `# TYPE` line declares (with `_bucket`, `_count`, `_sum` of histograms). */
  declared: Set<string>;
}

const unescape = (value: string) => value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** Parses the text of one or more /metrics answers; `extra` labels are added as a scrape would. */
export function parseExposition(text: string, extra: Record<string, string> = {}): Scrape {
  const samples: Sample[] = [];
  const declared = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      declared.add(type[1]!);
      if (type[2] === 'histogram' || type[2] === 'summary')
        for (const suffix of ['_bucket', '_count', '_sum']) declared.add(`${type[1]}${suffix}`);
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!sample) continue;
    const labels: Record<string, string> = { ...extra };
    for (const pair of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = unescape(pair[2]!);
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { samples, declared };
}

export interface SelectorReport {
  /** Series matched by the expression's selectors, added up. */
  series: number;
  problems: string[];
}

/** Metrics that only Prometheus or an exporter provides: not in the services' scrape. */
const notScraped = /^(up|ALERTS|rabbitmq_.+|pg_.+)$/;
const matcherPattern = /([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

function matches(value: string, op: string, pattern: string): boolean {
  switch (op) {
    case '=':
      return value === pattern;
    case '!=':
      return value !== pattern;
    case '=~':
      return new RegExp(`^(?:${pattern})$`).test(value);
    default:
      return !new RegExp(`^(?:${pattern})$`).test(value);
  }
}

/** A recording rule: what its name selects is what its own expression selects. */
export interface Recorded {
  labels: Record<string, string>;
  expr: string;
}

/**
 * Matches each vector selector of `expr` against the scrape: its metric must be registered, each
 * label it matches on or groups by must be on the metric's series (when it has any), and the
 * series it selects are counted. A recording rule's name counts the series of the rules of that
 * name whose labels the selector matches; metrics not scraped here (exporters', `up`) are skipped,
 * and so is the check of grouping labels in an expression that uses them.
 */
export function checkExpression(expr: string, scrape: Scrape, recorded: Map<string, Recorded[]>): SelectorReport {
  const report: SelectorReport = { series: 0, problems: [] };
  const selectors: { name: string; matchers: string }[] = [];
  for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g))
    selectors.push({ name: m[1]!, matchers: m[2]! });
  const grouping = /(?<!\b(?:by|without|on|ignoring|group_left|group_right)\s*)/.source;
  for (const m of expr.matchAll(new RegExp(`${grouping}\\(([a-zA-Z_:][a-zA-Z0-9_:]*)\\)`, 'g')))
    selectors.push({ name: m[1]!, matchers: '' });
  const labelsSeen = new Set<string>();
  let anySeries = false;
  for (const { name, matchers } of selectors) {
    if (notScraped.test(name)) continue;
    const rules = recorded.get(name);
    if (rules) {
      // Only the labels the rule sets itself tell the rules of one name apart (e.g. slo).
      const wanted = [...matchers.matchAll(matcherPattern)].filter((m) => rules.some((r) => m[1]! in r.labels));
      for (const rule of rules) {
        if (!wanted.every((m) => matches(rule.labels[m[1]!] ?? '', m[2]!, unescape(m[3]!)))) continue;
        const inner = checkExpression(rule.expr, scrape, recorded);
        report.series += inner.series;
        report.problems.push(...inner.problems);
      }
      continue;
    }
    if (!scrape.declared.has(name)) {
      report.problems.push(`metric ${name} is not registered by any service`);
      continue;
    }
    const ofMetric = scrape.samples.filter((s) => s.name === name);
    ofMetric.forEach((s) => Object.keys(s.labels).forEach((l) => labelsSeen.add(l)));
    anySeries ||= ofMetric.length > 0;
    const conditions = [...matchers.matchAll(matcherPattern)].map((m) => ({
      label: m[1]!,
      op: m[2]!,
      pattern: unescape(m[3]!),
    }));
    for (const { label } of conditions) {
      if (ofMetric.length > 0 && !ofMetric.some((s) => label in s.labels))
        report.problems.push(`label ${label} is not on ${name}`);
    }
    report.series += ofMetric.filter((s) =>
      conditions.every((c) => matches(s.labels[c.label] ?? '', c.op, c.pattern)),
    ).length;
  }
  if (anySeries && !selectors.some((s) => notScraped.test(s.name))) {
    for (const m of expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
      for (const label of m[1]!
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean)) {
        if (!labelsSeen.has(label)) report.problems.push(`grouping label ${label} is on none of the selected metrics`);
      }
    }
  }
  return report;
}
