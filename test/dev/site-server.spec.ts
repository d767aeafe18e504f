import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import { type SiteServer, startSiteServer } from '../../scripts/dev/site-server.js';
import { precompress } from '../../site/build/precompress.js';

/** A GET whose path is sent exactly as written (fetch would resolve its dot segments first). */
function rawGet(base: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { method: 'GET', path }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

/** A GET with the given Accept-Encoding; the body as it came over the wire. */
function getEncoded(
  url: string,
  acceptEncoding: string | undefined,
): Promise<{ encoding: string | undefined; vary: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
    const request = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          encoding: response.headers['content-encoding'],
          vary: response.headers.vary,
          body: Buffer.concat(chunks),
        }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

describe('site server (make up and browser tests): static files and /api/ on one origin', () => {
  let root: string;
  let gateway: Server;
  let gatewayUrl: string;
  let site: SiteServer;
  const seen: { url?: string; forwardedFor?: string; body?: string }[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'otk-site-'));
    await mkdir(join(root, 'confirm'));
    await mkdir(join(root, '_astro'));
    await writeFile(join(root, 'index.html'), '<h1>book</h1>');
    await writeFile(join(root, 'confirm', 'index.html'), '<h1>confirm</h1>');
    await writeFile(join(root, '_astro', 'app.1234.js'), 'export {};');
    await writeFile(join(root, '_astro', 'big.5678.js'), `export const text = '${'booking '.repeat(2000)}';`);
    await precompress(join(root, '_astro'));
    gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ url: req.url, forwardedFor: String(req.headers['x-forwarded-for']), body });
        res.writeHead(409, { 'content-type': 'application/json' }).end('{"code":"SLOT_TAKEN"}');
      });
    });
    await new Promise<void>((done) => gateway.listen(0, '127.0.0.1', done));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    site = await startSiteServer({ root, gatewayUrl: () => gatewayUrl });
  });

  after(async () => {
    await site.close();
    await new Promise((done) => gateway.close(done));
    await rm(root, { recursive: true, force: true });
  });

  it('when a page is asked for without its file name, then its index.html is served, revalidated, with a strict policy', async () => {
    const response = await fetch(`${site.url}/confirm?token=abc`);
    expect(response.status).to.equal(200);
    expect(await response.text()).to.equal('<h1>confirm</h1>');
    expect(response.headers.get('cache-control')).to.equal('no-cache');
    expect(response.headers.get('content-security-policy')).to.include("script-src 'self'");
    expect(response.headers.get('referrer-policy')).to.equal('no-referrer');
  });

  it('when a hashed build asset is asked for, then it may be cached for good', async () => {
    const response = await fetch(`${site.url}/_astro/app.1234.js`);
    expect(response.headers.get('content-type')).to.match(/^text\/javascript/);
    expect(response.headers.get('cache-control')).to.include('immutable');
  });

  it('when the browser accepts Brotli or gzip, then the precompressed copy of the build is sent, else the file itself', async () => {
    const url = `${site.url}/_astro/big.5678.js`;
    const plain = await getEncoded(url, undefined);
    expect(plain.encoding).to.equal(undefined);
    expect(plain.body.toString()).to.match(/^export const text = 'booking booking/);

    const br = await getEncoded(url, 'gzip, deflate, br');
    expect(br.encoding).to.equal('br');
    expect(br.vary).to.equal('Accept-Encoding');
    expect(br.body.length).to.be.lessThan(plain.body.length / 10);
    expect(brotliDecompressSync(br.body).equals(plain.body)).to.equal(true);

    const gzip = await getEncoded(url, 'br;q=0, gzip');
    expect(gzip.encoding).to.equal('gzip');
    expect(gunzipSync(gzip.body).equals(plain.body)).to.equal(true);

    expect((await getEncoded(url, 'identity')).encoding).to.equal(undefined);
    // A file the build did not compress is sent as it is.
    expect((await getEncoded(`${site.url}/confirm`, 'br')).encoding).to.equal(undefined);
  });

  it('when a path leaves the site folder, then nothing outside is served', async () => {
    // Encoded slashes survive URL parsing and only become '..' segments once decoded.
    const response = await fetch(`${site.url}/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd`);
    expect(response.status).to.equal(404);
  });

  it('when a path climbs out of /api/ with encoded dots, then it never reaches the gateway', async () => {
    const before = seen.length;
    for (const path of ['/api/%2e%2e/metrics', '/api/%2E%2E/readyz', '/api/v1/../../metrics', '/api/.%2e/healthz']) {
      const status = await rawGet(site.url, path);
      expect(status, path).to.equal(404);
    }
    expect(seen.length, 'requests the gateway saw').to.equal(before);
  });

  it('when the API is called, then the request goes to the gateway with its body, and the answer comes back unchanged', async () => {
    const response = await fetch(`${site.url}/api/v1/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"start":"x"}',
    });
    expect(response.status).to.equal(409);
    expect(await response.json()).to.deep.equal({ code: 'SLOT_TAKEN' });
    expect(seen.at(-1)).to.deep.include({ url: '/api/v1/holds', body: '{"start":"x"}' });
    expect(seen.at(-1)?.forwardedFor).to.match(/127\.0\.0\.1/);
  });

  it('when the gateway cannot be reached, then the API answers 502 UNAVAILABLE, as the site expects', async () => {
    const previous = gatewayUrl;
    gatewayUrl = 'http://127.0.0.1:9';
    try {
      const response = await fetch(`${site.url}/api/v1/practice`);
      expect(response.status).to.equal(502);
      expect(((await response.json()) as { code: string }).code).to.equal('UNAVAILABLE');
    } finally {
      gatewayUrl = previous;
    }
  });
});
