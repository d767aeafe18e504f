/**
 * Serves the built booking site (site/dist) and passes /api/ on to the gateway, so site and API
 * share one origin as in production (ADR 0050). Used by `make up` and the browser tests; in
 * production a CDN or ingress does the same. Run: `GATEWAY_URL=… SITE_PORT=… tsx scripts/dev/site-server.ts`.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Styles are inlined into each page by the build; scripts are files of this origin only.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

export interface SiteServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export interface SiteServerOptions {
  /** The built site, e.g. site/dist. */
  root: string;
  /** Where /api/ goes; a function so a test can start the site before it knows the gateway's port. */
  gatewayUrl: string | (() => string);
  port?: number;
  host?: string;
}

export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  const root = resolve(options.root);
  const gateway = typeof options.gatewayUrl === 'string' ? () => options.gatewayUrl as string : options.gatewayUrl;
  const server = createServer((req, res) => {
    // Routing decides on the path as the gateway will read it: dot segments, also percent-encoded
    // ones (`/api/%2e%2e/metrics`), are resolved first, so nothing reaches the gateway outside /api/.
    const url = URL.parse(req.url ?? '/', 'http://site');
    if (!url) res.writeHead(400).end();
    else if (url.pathname.startsWith('/api/')) proxy(req, res, url, gateway());
    else void serveFile(root, url, req, res);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function proxy(req: IncomingMessage, res: ServerResponse, url: URL, gatewayUrl: string): void {
  const target = new URL(url.pathname + url.search, gatewayUrl);
  const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  const upstream = request(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host, 'x-forwarded-for': forwardedFor } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'UNAVAILABLE', message: 'the booking service cannot be reached' }));
  });
  req.pipe(upstream);
}

/** The build's Brotli or gzip copy of a file (site/build/precompress.ts), where the client accepts it. */
async function precompressedCopy(
  path: string,
  acceptEncoding: string | undefined,
): Promise<{ path: string; size: number; encoding: string } | undefined> {
  const accepted = new Map(
    (acceptEncoding ?? '').split(',').map((part) => {
      const [name = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return [name.trim(), q === undefined ? 1 : Number(q)] as const;
    }),
  );
  for (const [encoding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    if (!((accepted.get(encoding) ?? 0) > 0)) continue;
    const info = await stat(path + suffix).catch(() => undefined);
    if (info?.isFile()) return { path: path + suffix, size: info.size, encoding };
  }
  return undefined;
}

/** `/` → index.html, `/confirm` and `/confirm/` → confirm/index.html; never outside the root. */
async function serveFile(root: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const path = normalize(join(root, pathname));
  if (path !== root && !path.startsWith(root + sep)) {
    res.writeHead(404).end();
    return;
  }
  for (const candidate of [path, join(path, 'index.html'), `${path}.html`]) {
    const info = await stat(candidate).catch(() => undefined);
    if (!info?.isFile()) continue;
    const type = contentTypes[extname(candidate)] ?? 'application/octet-stream';
    // Hashed build assets never change; pages are always revalidated.
    const cache = candidate.includes(`${sep}_astro${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    const copy = await precompressedCopy(candidate, req.headers['accept-encoding']);
    res.writeHead(200, {
      'content-type': type,
      'content-length': copy?.size ?? info.size,
      'cache-control': cache,
      vary: 'Accept-Encoding',
      ...(copy ? { 'content-encoding': copy.encoding } : {}),
      ...securityHeaders,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(copy?.path ?? candidate).pipe(res);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders }).end('not found');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const site = await startSiteServer({
    root: process.env.SITE_DIST ?? fileURLToPath(new URL('../../site/dist', import.meta.url)),
    gatewayUrl: process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080',
    port: Number(process.env.SITE_PORT ?? 4321),
    host: process.env.SITE_HOST ?? '127.0.0.1',
  });
  process.stdout.write(`booking site on ${site.url}\n`);
  const stop = () => void site.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
