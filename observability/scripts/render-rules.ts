/** `npm run rules`: writes the rules file, its promtool tests and the runbooks from observability/src/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderRuleFiles } from '../src/render-rules.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
for (const [path, text] of renderRuleFiles()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  process.stdout.write(`wrote ${path}\n`);
}
