/** Latency figures of the benchmarks, in one format across them. */

/** The p-th percentile (nearest rank) of an ascending list; NaN when it is empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function ms(value: number): string {
  if (Number.isNaN(value)) return '–';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

/** `p50=… p95=… p99=… max=…` of a list of latencies in milliseconds. */
export function summary(latencies: readonly number[], percentiles: readonly number[] = [50, 95, 99]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return [
    ...percentiles.map((p) => `p${p}=${ms(percentile(sorted, p))}`),
    `max=${ms(sorted.at(-1) ?? Number.NaN)}`,
  ].join(' ');
}

/** Counts of outcomes, e.g. `{"201":1,"409 SLOT_TAKEN":499}`. */
export function tally(keys: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}
