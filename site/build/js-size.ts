import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { AstroIntegration } from 'astro';

/** W1: the flow's JavaScript, gzipped, stays under this budget. */
export const jsBudgetBytes = 50 * 1024;

export interface JsSize {
  files: { path: string; bytes: number; gzipBytes: number }[];
  totalGzipBytes: number;
}

/**
 * The staff console (/admin, src/pages/admin.astro) has a bundle of its own that no patient page
 * loads; it is not part of the patient flow's budget.
 */
function isConsole(path: string): boolean {
  return path.startsWith('admin.astro_') || path.startsWith('admin/');
}

/** Every JavaScript file a patient's browser may load from the built site, and their gzipped sizes. */
export async function measureJs(distDir: string): Promise<JsSize> {
  const entries = await readdir(distDir, { recursive: true, withFileTypes: true });
  const files: JsSize['files'] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !/\.m?js$/.test(entry.name) || isConsole(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    const content = await readFile(path);
    files.push({
      path: relative(distDir, path),
      bytes: content.length,
      gzipBytes: gzipSync(content, { level: 9 }).length,
    });
  }
  // Inline module scripts count too: Astro inlines small ones into the HTML.
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const path = join(entry.parentPath, entry.name);
    if (isConsole(relative(distDir, path))) continue;
    const html = await readFile(path, 'utf8');
    const inline = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '').join('\n');
    if (inline.trim() === '') continue;
    const content = Buffer.from(inline);
    files.push({
      path: `${relative(distDir, path)} (inline)`,
      bytes: content.length,
      gzipBytes: gzipSync(content, { level: 9 }).length,
    });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, totalGzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

/** Prints the gzipped JavaScript size of the build, so every build shows it against the budget. */
export function jsSizeReport(): AstroIntegration {
  return {
    name: 'otk-js-size',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const size = await measureJs(fileURLToPath(dir));
        for (const file of size.files) logger.info(`${file.path}: ${(file.gzipBytes / 1024).toFixed(1)} KB gzipped`);
        const verdict = size.totalGzipBytes <= jsBudgetBytes ? 'within' : 'OVER';
        logger.info(
          `flow JavaScript: ${(size.totalGzipBytes / 1024).toFixed(1)} KB gzipped, ${verdict} the budget of ${jsBudgetBytes / 1024} KB`,
        );
      },
    },
  };
}
