/**
 * The Lighthouse scores the booking site must reach (ADR 0057): performance, accessibility and
 * best practices 100 on every page; SEO at least 90 on the home page. The confirm and manage pages
 * are `noindex` on purpose, so their SEO score is no target.
 */
export const categories = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
export type Category = (typeof categories)[number];
export type Scores = Record<Category, number | null>;
export type AuditedPage = 'home' | 'confirm' | 'manage';

export const targets: Record<AuditedPage, Partial<Record<Category, number>>> = {
  home: { performance: 100, accessibility: 100, 'best-practices': 100, seo: 90 },
  confirm: { performance: 100, accessibility: 100, 'best-practices': 100 },
  manage: { performance: 100, accessibility: 100, 'best-practices': 100 },
};

/** One line per target a page missed, e.g. `home · performance 97 < 100`; empty when all are met. */
export function missedTargets(results: readonly (readonly [AuditedPage, Scores])[]): string[] {
  const missed: string[] = [];
  for (const [page, scores] of results) {
    for (const [category, target] of Object.entries(targets[page]) as [Category, number][]) {
      const score = scores[category];
      if (score === null) missed.push(`${page} · ${category}: no score < ${target}`);
      else if (score < target) missed.push(`${page} · ${category} ${score} < ${target}`);
    }
  }
  return missed;
}
