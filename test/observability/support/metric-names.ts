import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../../support/k8s-tools.js';

/** Metrics that come from elsewhere: Prometheus itself, and the RabbitMQ and PostgreSQL exporters. */
const external = /^(up|ALERTS|rabbitmq_.+|pg_.+)$/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

let produced: Set<string> | undefined;

/** Every metric name the services register (`name: '…'` of a prom-client metric in packages/ and services/). */
export function producedMetrics(): Set<string> {
  if (produced) return produced;
  produced = new Set<string>();
  for (const root of ['packages', 'services']) {
    for (const file of sources(join(repositoryRoot, root))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:name: |getSingleMetric\(|reuse\(\s*registry,\s*)'([a-z_][a-z0-9_]*)'/g))
        produced.add(match[1]!);
      for (const match of text.matchAll(/\bfor \(const name of \[([^\]]+)\]\)/g))
        for (const name of match[1]!.matchAll(/'([a-z_]+)'/g)) produced.add(name[1]!);
    }
  }
  return produced;
}

/** The metric names a PromQL expression selects (`name{…}`, or a bare name in parentheses). */
export function referencedMetrics(expr: string): string[] {
  const names = new Set<string>();
  for (const match of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)) names.add(match[1]!);
  const grouping = /(?<!\b(?:by|without|on|ignoring|group_left|group_right)\s*)/.source;
  for (const match of expr.matchAll(new RegExp(`${grouping}\\(([a-zA-Z_:][a-zA-Z0-9_:]*)\\)`, 'g')))
    names.add(match[1]!);
  return [...names];
}

/** The names of `expr` that nothing produces: no service, no exporter, no recording rule. */
export function unknownMetrics(expr: string, recorded: Set<string>): string[] {
  const known = producedMetrics();
  return referencedMetrics(expr).filter((name) => {
    if (external.test(name) || recorded.has(name)) return false;
    const base = name.replace(/_(bucket|count|sum)$/, '');
    return !known.has(name) && !known.has(base);
  });
}
