import { readFileSync, readdirSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { type SiteServer, startSiteServer } from '../../scripts/dev/site-server.js';
import { buildSiteIfStale, distDir, launchChromium } from '../support/browser.js';

/** Text files a browser downloads: each must have a Brotli and a gzip copy beside it (ADR 0055). */
const compressible = ['.html', '.js', '.mjs', '.css', '.svg', '.json', '.txt', '.xml', '.webmanifest', '.ico'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

interface Head {
  lang: string;
  title: string;
  description: string | null;
  robots: string | null;
  canonical: string[];
  alternates: string[];
}

/** What the page's head says before any script runs. */
const headExpression = `(() => ({
  lang: document.documentElement.lang,
  title: document.title,
  description: document.querySelector('meta[name="description"]')?.getAttribute('content') ?? null,
  robots: document.querySelector('meta[name="robots"]')?.getAttribute('content') ?? null,
  canonical: [...document.querySelectorAll('link[rel="canonical"]')].map((l) => l.getAttribute('href')),
  alternates: [...document.querySelectorAll('link[rel="alternate"]')].map((l) => l.getAttribute('hreflang') + ' ' + l.getAttribute('href')),
}))()`;

const alternates = ['de /de/', 'fr /fr/', 'it /it/', 'en /en/', 'x-default /'];

describe('built booking site (site/dist): home page per language without JavaScript, precompressed files', function () {
  this.timeout(300000);
  let site: SiteServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    buildSiteIfStale();
    // No gateway: what a crawler that runs no script gets is the static HTML alone.
    [site, browser] = await Promise.all([
      startSiteServer({ root: distDir, gatewayUrl: 'http://127.0.0.1:9' }),
      launchChromium(),
    ]);
    page = await (await browser.newContext({ javaScriptEnabled: false, locale: 'de-CH' })).newPage();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
  });

  async function headOf(path: string): Promise<Head> {
    const response = await page.goto(`${site.url}${path}`);
    expect(response?.status(), path).to.equal(200);
    return (await page.evaluate(headExpression)) as Head;
  }

  const homes = [
    { path: '/', lang: 'de', title: 'Termin buchen', description: 'Termin online buchen – freie Zeiten sehen' },
    { path: '/de/', lang: 'de', title: 'Termin buchen', description: 'Termin online buchen – freie Zeiten sehen' },
    { path: '/fr/', lang: 'fr', title: 'Prendre rendez-vous', description: 'Prenez rendez-vous en ligne – voyez' },
    {
      path: '/it/',
      lang: 'it',
      title: 'Prenotare un appuntamento',
      description: 'Prenoti online un appuntamento – veda',
    },
    { path: '/en/', lang: 'en', title: 'Book an appointment', description: 'Book an appointment online – see' },
  ];
  for (const home of homes) {
    it(`when ${home.path} is read without JavaScript, then it is in ${home.lang} with its description, canonical address and the alternates`, async () => {
      const head = await headOf(home.path);
      expect(head.lang).to.equal(home.lang);
      expect(head.title).to.equal(home.title);
      expect(head.description).to.match(new RegExp(`^${home.description}`));
      expect(head.robots, 'indexable').to.equal(null);
      expect(head.canonical).to.deep.equal([home.path]);
      expect(head.alternates).to.deep.equal(alternates);
    });
  }

  it('when the home pages are compared, then each language has its own description and title', async () => {
    const heads: Head[] = [];
    for (const path of ['/de/', '/fr/', '/it/', '/en/']) heads.push(await headOf(path));
    expect(new Set(heads.map((h) => h.description)).size).to.equal(4);
    expect(new Set(heads.map((h) => h.title)).size).to.equal(4);
  });

  it('when a language page is asked for without its slash, then it is served too', async () => {
    expect((await headOf('/fr')).lang).to.equal('fr');
  });

  for (const path of ['/confirm', '/manage']) {
    it(`when ${path} is read without JavaScript, then search engines are kept away and offered nothing to index`, async () => {
      const head = await headOf(path);
      expect(head.robots).to.equal('noindex');
      expect(head.description).to.equal(null);
      expect(head.canonical).to.deep.equal([]);
      expect(head.alternates).to.deep.equal([]);
    });
  }

  it('when the build is done, then every text file has a Brotli and a gzip copy beside it that unpack to it', () => {
    const files = filesUnder(distDir);
    const originals = files.filter((file) => compressible.includes(extname(file)));
    for (const kind of ['.html', '.js'])
      expect(originals.filter((file) => file.endsWith(kind)).length, kind).to.be.greaterThan(0);
    const wrong: string[] = [];
    for (const file of originals) {
      const original = readFileSync(file);
      for (const [suffix, unpack] of [
        ['.br', brotliDecompressSync],
        ['.gz', gunzipSync],
      ] as const) {
        const name = relative(distDir, file) + suffix;
        if (!files.includes(file + suffix)) wrong.push(`${name} is missing`);
        else if (!unpack(readFileSync(file + suffix)).equals(original))
          wrong.push(`${name} does not unpack to the file`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });
});
