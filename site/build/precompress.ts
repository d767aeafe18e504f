// Writes a Brotli (.br) and a gzip (.gz) copy beside every text file of the built site, so the
// site's servers (site/server/Caddyfile, scripts/dev/site-server.ts) send them as they are instead
// of compressing each response. Runs at the end of every `npm run build -w site`.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { AstroIntegration } from 'astro';

const compressible = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.txt', '.xml', '.webmanifest', '.ico']);

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (compressible.has(extname(entry.name))) yield path;
  }
}

/** Compresses every text file under `root`; returns how many. */
export async function precompress(root: string): Promise<number> {
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
  return count;
}

/** The build step: Brotli and gzip copies once the site is built. */
export function precompressed(): AstroIntegration {
  return {
    name: 'otk-precompress',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        logger.info(`precompressed ${await precompress(fileURLToPath(dir))} files (Brotli and gzip)`);
      },
    },
  };
}
