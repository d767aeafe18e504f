/**
 * `npm run lighthouse -w site`: Lighthouse's four scores (performance, accessibility, best
 * practices, SEO) for the home, confirm and manage pages of the built site in front of the running
 * stack (`make up`), on Lighthouse's default mobile device with its simulated throttling.
 *
 * The confirm and manage pages need a live link: the script places a provisional request through
 * the site's API, reads the confirm link from the local mail catcher, opens it (which confirms),
 * reads the manage link from the confirmation, and cancels the booking at the end. HTML reports go
 * to `test-artifacts/lighthouse/`. The script exits with 1, naming each miss, when a page misses its
 * targets (`lighthouse-targets.ts`: performance, accessibility and best practices 100 on every
 * page, SEO at least 90 on the home page).
 *
 * Environment: SITE_URL (http://127.0.0.1:4321), MAIL_URL (the mail catcher, http://127.0.0.1:1080),
 * CHROMIUM_PATH (/usr/bin/chromium), LIGHTHOUSE_LANGUAGE (de).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import puppeteer, { type Browser } from 'puppeteer-core';
import { type AuditedPage, type Scores, categories, missedTargets } from './lighthouse-targets.js';

const siteUrl = (process.env.SITE_URL ?? 'http://127.0.0.1:4321').replace(/\/+$/, '');
const mailUrl = (process.env.MAIL_URL ?? 'http://127.0.0.1:1080').replace(/\/+$/, '');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const language = process.env.LIGHTHOUSE_LANGUAGE ?? 'de';
const reportDir = fileURLToPath(new URL('../../test-artifacts/lighthouse/', import.meta.url));

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${siteUrl}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} /api/v1${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

interface Practice {
  requiredPatientFields: (keyof typeof madeUpPatient)[];
  privacyPolicy: { version: string };
}
const madeUpPatient = {
  birthDate: '1985-04-12',
  gender: 'unknown',
  street: 'Messweg 1',
  postcode: '8000',
  town: 'Zürich',
  country: 'CH',
  phone: '+41791234567',
  email: 'lighthouse@example.ch',
};
interface Catalogue {
  appointmentTypes: { id: string; practitionerIds: string[] }[];
}
interface Availability {
  days: { slots: { start: string; practitionerId: string }[] }[];
}

/** A slot at least two days ahead, so the booking can still be cancelled online at the end. */
async function bookableSlot(): Promise<{ appointmentTypeId: string; practitionerId: string; start: string }> {
  const catalogue = await api<Catalogue>('/catalogue');
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  for (const type of catalogue.appointmentTypes) {
    for (const practitionerId of type.practitionerIds) {
      const query = new URLSearchParams({
        appointmentType: type.id,
        practitioner: practitionerId,
        from: day(2),
        to: day(30),
      });
      const availability = await api<Availability>(`/availability?${query.toString()}`);
      const slot = availability.days.flatMap((d) => d.slots)[0];
      if (slot) return { appointmentTypeId: type.id, practitionerId: slot.practitionerId, start: slot.start };
    }
  }
  throw new Error('the practice offers no slot in the next 30 days');
}

interface CaughtMail {
  to?: { address: string }[];
  text?: string;
}

/** The first link to `/${page}?token=…` in a message the mail catcher received for `address`. */
async function linkFromMail(address: string, page: 'confirm' | 'manage'): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s<>"]+/${page}\\?token=[^\\s<>"]+`);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${mailUrl}/api/email`);
    if (!response.ok) throw new Error(`the mail catcher at ${mailUrl} answered ${response.status}`);
    for (const mail of (await response.json()) as CaughtMail[]) {
      if (!mail.to?.some((to) => to.address === address)) continue;
      const link = pattern.exec(mail.text ?? '')?.[0];
      if (link) return link;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no ${page} link reached the mail catcher at ${mailUrl} within 30 s`);
}

/** Lighthouse's default run (mobile, simulated throttling) of one address in a fresh browser context. */
async function audit(browser: Browser, name: AuditedPage, url: string): Promise<Scores> {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    const result = await lighthouse(url, { logLevel: 'error', output: 'html' }, undefined, page);
    if (!result) throw new Error(`Lighthouse gave no result for the ${name} page`);
    writeFileSync(join(reportDir, `${name}.html`), String(result.report));
    const scores = Object.fromEntries(
      categories.map((id) => {
        const score = result.lhr.categories[id]?.score;
        return [id, typeof score === 'number' ? Math.round(score * 100) : null];
      }),
    ) as Scores;
    // What keeps a category below 100: its audits that lost points.
    for (const id of categories) {
      const category = result.lhr.categories[id];
      for (const ref of category?.auditRefs ?? []) {
        const item = result.lhr.audits[ref.id];
        if (ref.weight > 0 && item && typeof item.score === 'number' && item.score < 1) {
          const value = item.displayValue ? ` (${item.displayValue})` : '';
          say(`  ${name} · ${id} · ${item.id}: ${item.score.toFixed(2)}${value}`);
        }
      }
    }
    return scores;
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(reportDir, { recursive: true });
  let practice: Practice;
  try {
    practice = await api<Practice>('/practice');
  } catch (error) {
    throw new Error(`the site at ${siteUrl} does not answer with its practice; start the stack with make up`, {
      cause: error,
    });
  }
  const email = `lighthouse.${randomBytes(4).toString('hex')}@example.ch`;
  const slot = await bookableSlot();
  await api('/holds', {
    method: 'POST',
    body: {
      ...slot,
      channel: 'email',
      language,
      // The details the practice requires (F6), with values of a made-up patient.
      patient: {
        ...Object.fromEntries(practice.requiredPatientFields.map((field) => [field, madeUpPatient[field]])),
        firstName: 'Lighthouse',
        lastName: 'Messung',
        email,
      },
      consent: { accepted: true, privacyPolicyVersion: practice.privacyPolicy.version },
    },
  });

  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const results: [AuditedPage, Scores][] = [];
  let manageToken: string | undefined;
  try {
    results.push(['home', await audit(browser, 'home', `${siteUrl}/`)]);
    results.push(['confirm', await audit(browser, 'confirm', await linkFromMail(email, 'confirm'))]);
    const manage = await linkFromMail(email, 'manage');
    manageToken = new URL(manage).searchParams.get('token') ?? undefined;
    results.push(['manage', await audit(browser, 'manage', manage)]);
  } finally {
    await browser.close();
    if (manageToken) await api('/bookings/cancel', { method: 'POST', body: { token: manageToken } });
  }

  const [one, five, fifteen] = loadavg().map((load) => load.toFixed(2));
  say('');
  say(`Lighthouse, mobile, simulated throttling; ${siteUrl}; load average ${one} ${five} ${fifteen}`);
  say(`| page | ${categories.join(' | ')} |`);
  say(`|---|${categories.map(() => '---').join('|')}|`);
  for (const [name, scores] of results) say(`| ${name} | ${categories.map((id) => scores[id] ?? '–').join(' | ')} |`);
  say(`Reports: ${reportDir}`);
  const missed = missedTargets(results);
  if (missed.length > 0) {
    say('');
    say('Targets missed:');
    for (const line of missed) say(`  ${line}`);
    process.exitCode = 1;
  } else say('Every page meets its targets.');
}

await main();
