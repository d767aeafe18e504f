/** `npm run dashboards`: writes the Grafana dashboards' JSON from observability/src/dashboards.ts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDashboardFiles } from '../src/dashboards.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
for (const [path, text] of renderDashboardFiles()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  process.stdout.write(`wrote ${path}\n`);
}
