import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const siteDir = join(root, 'site');
export const distDir = join(siteDir, 'dist');
const axeScript = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Newest modification time of the site's sources, to build only when dist is older. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['dist', 'node_modules', '.astro'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function buildSiteIfStale(): void {
  const built = (() => {
    try {
      return statSync(join(distDir, 'index.html')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  if (built > newestSource(siteDir)) return;
  execFileSync('npm', ['run', 'build', '-w', 'site'], { cwd: root, stdio: 'pipe' });
}

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium runs headless; without the background-networking flags it tries to reach Google and stalls. */
export const quietChromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  // Playwright gives every launch a fresh temporary profile (user-data-dir) of its own.
  return chromium.launch({ executablePath: chromiumPath, args: ['--headless', ...quietChromiumFlags] });
}

/**
 * An expression that runs an axe-core scan of the page and gives its serious and critical
 * violations, one line each. Evaluated through the driver, so the site's content security policy
 * (own scripts only) stays in force for everything else.
 */
export const seriousAxeViolationsExpression = `(async () => {
  if (!('axe' in window)) { ${axeScript}
  }
  const results = await axe.run(document, {
    runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => v.id + ': ' + v.help + ' (' + v.nodes.map((n) => n.target.join(' ')).join(', ') + ')');
})()`;

/** An axe-core scan of the page: its serious and critical violations, one line each. */
export function seriousAxeViolations(page: Page): Promise<string[]> {
  return page.evaluate(seriousAxeViolationsExpression) as Promise<string[]>;
}
