/** Writes docs/api/practice-system.openapi.json from the connector contract in code. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { practiceSystemOpenApi } from './practice-system-openapi.js';

export const documentPath = fileURLToPath(new URL('../../../docs/api/practice-system.openapi.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(documentPath, `${JSON.stringify(practiceSystemOpenApi(), null, 2)}\n`);
  process.stdout.write(`wrote ${documentPath}\n`);
}
