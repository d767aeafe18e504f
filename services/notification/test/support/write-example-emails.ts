/**
 * `npm run examples:emails`: writes the example e-mails to docs/examples/ for review. Run it after
 * changing a template or a translation; example-emails.spec.ts fails while they are out of date.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { examplesDir, renderExampleEmails } from './example-emails.js';

await mkdir(examplesDir, { recursive: true });
for (const [file, content] of await renderExampleEmails()) {
  await writeFile(new URL(file, examplesDir), content);
  process.stdout.write(`docs/examples/${file}\n`);
}
