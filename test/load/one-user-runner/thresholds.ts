/**
 * k6 thresholds evaluated over the samples of a run: `metric{tag:value,…}` keys and expressions
 * such as `p(95)<50`, `rate>=0.999`, `count==1`, `avg<200`, `max<=1000`, `value>0`.
 */
import type { MetricType } from './protocol.js';

export interface Sample {
  value: number;
  tags: Record<string, string>;
}

export interface MetricSamples {
  type: MetricType;
  samples: Sample[];
}

export interface ThresholdResult {
  key: string;
  expression: string;
  type: MetricType | 'unknown';
  value: number;
  ok: boolean;
}

const expressionPattern =
  /^\s*(avg|min|max|med|count|rate|value|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function parseKey(key: string): { metric: string; tags: Record<string, string> } {
  const match = /^([^{]+)(?:\{(.*)\})?$/.exec(key.trim());
  if (!match) throw new Error(`threshold key ${key} is not understood`);
  const tags: Record<string, string> = {};
  for (const pair of (match[2] ?? '').split(',').filter((p) => p.trim())) {
    const at = pair.indexOf(':');
    if (at < 0) throw new Error(`threshold key ${key}: tag filter ${pair} has no value`);
    tags[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return { metric: match[1]!.trim(), tags };
}

function aggregate(type: MetricType, values: number[], aggregation: string, percentile: number | undefined): number {
  if (type === 'counter' && aggregation === 'count') return values.reduce((a, b) => a + b, 0);
  if (type === 'rate' && aggregation === 'rate') return values.filter((v) => v !== 0).length / values.length;
  if (type === 'gauge' && aggregation === 'value') return values.at(-1) ?? Number.NaN;
  if (type === 'trend') {
    const sorted = [...values].sort((a, b) => a - b);
    if (aggregation === 'avg') return sorted.reduce((a, b) => a + b, 0) / sorted.length;
    if (aggregation === 'min') return sorted[0] ?? Number.NaN;
    if (aggregation === 'max') return sorted.at(-1) ?? Number.NaN;
    const p = aggregation === 'med' ? 50 : percentile;
    if (p !== undefined) {
      if (sorted.length === 0) return Number.NaN;
      // k6 interpolates between the two nearest ranks.
      const rank = (p / 100) * (sorted.length - 1);
      const low = Math.floor(rank);
      return sorted[low]! + (sorted[Math.ceil(rank)]! - sorted[low]!) * (rank - low);
    }
  }
  throw new Error(`${aggregation} is not an aggregation of a ${type} metric`);
}

function compare(value: number, operator: string, bound: number): boolean {
  switch (operator) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    case '!=':
      return value !== bound;
    default:
      return value === bound;
  }
}

/** Evaluates every threshold of `options.thresholds`; a metric without samples fails all but count. */
export function evaluateThresholds(
  thresholds: Record<string, (string | { threshold: string })[]>,
  metrics: ReadonlyMap<string, MetricSamples>,
): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [key, list] of Object.entries(thresholds)) {
    const { metric, tags } = parseKey(key);
    const found = metrics.get(metric);
    for (const item of list) {
      const expression = typeof item === 'string' ? item : item.threshold;
      const match = expressionPattern.exec(expression);
      if (!match) throw new Error(`threshold ${key}: ${expression} is not understood`);
      const [, aggregation, percentile, operator, bound] = match;
      if (!found) {
        results.push({ key, expression, type: 'unknown', value: Number.NaN, ok: false });
        continue;
      }
      const values = found.samples
        .filter((s) => Object.entries(tags).every(([tag, value]) => s.tags[tag] === value))
        .map((s) => s.value);
      const name = aggregation!.startsWith('p(') ? 'p' : aggregation!;
      const value = aggregate(found.type, values, name, percentile === undefined ? undefined : Number(percentile));
      results.push({ key, expression, type: found.type, value, ok: compare(value, operator!, Number(bound)) });
    }
  }
  return results;
}
