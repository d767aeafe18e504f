// Writes a Brotli (.br) and a gzip (.gz) copy beside every text file of the built site, so the
// site's server sends them as they are instead of compressing each response (site/Dockerfile).
// Usage: node site/build/precompress.ts site/dist
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const compressible = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.txt', '.xml', '.webmanifest', '.ico']);

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (compressible.has(extname(entry.name))) yield path;
  }
}

const root = process.argv[2];
if (!root) throw new Error('usage: precompress.ts DIST_DIR');
let count = 0;
for await (const path of files(root)) {
  const data = await readFile(path);
  await writeFile(
    `${path}.br`,
    brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }),
  );
  await writeFile(`${path}.gz`, gzipSync(data, { level: 9 }));
  count += 1;
}
process.stdout.write(`precompressed ${count} files in ${root}\n`);
