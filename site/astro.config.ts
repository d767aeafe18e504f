import { defineConfig } from 'astro/config';
import { jsSizeReport } from './build/js-size.js';
import { precompressed } from './build/precompress.js';

// A plain static build: any static server or CDN can serve dist/ on the API's origin (ADR 0050).
export default defineConfig({
  output: 'static',
  trailingSlash: 'ignore',
  build: { format: 'directory', inlineStylesheets: 'always' },
  vite: {
    // The types of @otk/contracts are read from its sources; nothing of it reaches the bundle.
    resolve: { conditions: ['development'] },
    // `npm run dev -w site` talks to the gateway of `make up`, on the same origin as in production.
    server: { proxy: { '/api': process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080' } },
  },
  integrations: [jsSizeReport(), precompressed()],
});
