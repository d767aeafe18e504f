import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool } from '@otk/db';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { jsBudgetBytes, measureJs } from '../../site/build/js-size.js';
import type { SiteServer } from '../../scripts/dev/site-server.js';
import { contactKeysOf, newOptOutToken } from '../../services/notification/src/domain/reminders/reminder-plan.js';
import { distDir, launchChromium, seriousAxeViolations } from '../support/browser.js';
import { linkIn, mailTo, startSiteAndStack, testPatient, testPhone } from '../support/booking-site.js';
import { postJson } from '../support/factories.js';
import type { Stack } from '../support/stack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const artifacts = join(root, 'test-artifacts', 'site');

const phone = { width: 360, height: 740 };
const desktop = { width: 1280, height: 900 };

describe('booking site in Chromium: the desktop flow in English and what goes wrong on the way', function () {
  this.timeout(300000);
  let stack: Stack;
  let site: SiteServer;
  let browser: Browser;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    [{ site, stack }, browser] = await Promise.all([startSiteAndStack(), launchChromium()]);
  });

  let pageProblems: string[] = [];
  beforeEach(() => {
    pageProblems = [];
  });
  afterEach(() => {
    expect(pageProblems, 'errors in the page').to.deep.equal([]);
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await stack?.stop();
  });

  async function newPage(viewport: {
    width: number;
    height: number;
  }): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({
      viewport,
      locale: 'de-CH',
      timezoneId: 'America/New_York',
    });
    const page = await context.newPage();
    // Script errors and content-security-policy refusals; failed API answers are expected in some tests.
    page.on('pageerror', (error) => pageProblems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageProblems.push(message.text());
    });
    page.setDefaultTimeout(20000);
    return { page, context };
  }

  /** The step's heading is shown and has the focus (screen readers announce each step). */
  async function expectStep(page: Page, heading: RegExp | string): Promise<void> {
    await page.locator('h1', { hasText: heading }).waitFor();
    // Expressions as strings: they run in the page, which the test's Node types know nothing of.
    await waitFor(async () => ((await page.evaluate("document.activeElement?.tagName === 'H1'")) ? true : undefined), {
      timeoutMs: 5000,
      what: 'the heading to have the focus',
    });
  }

  /** Screenshot as a test artifact and an axe-core scan: no serious or critical violation. */
  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
    expect(await seriousAxeViolations(page), `axe on ${name}`).to.deep.equal([]);
  }

  const choose = (page: Page, label: string) =>
    page
      .locator('button.choice', { has: page.locator('.choice-label', { hasText: new RegExp(`^${label}$`) }) })
      .click();

  /**
   * Clicks the first day with free slots at least `daysAhead` days from today (the default
   * cancellation deadline is 24 h: a booking for tomorrow could not be changed any more).
   */
  async function pickDay(page: Page, daysAhead: number): Promise<void> {
    const earliest = new Date(Date.now() + daysAhead * 86400000).toISOString().slice(0, 10);
    for (let month = 0; month < 3; month += 1) {
      await page.locator('.slot-picker[aria-busy="false"]').waitFor();
      const dates = await page
        .locator('button.day.free')
        .evaluateAll((days) => days.map((d) => d.getAttribute('data-date')));
      const date = dates.find((d) => d !== null && d >= earliest);
      if (date) {
        await page.locator(`button.day[data-date="${date}"]`).click();
        return;
      }
      await page.getByRole('button', { name: /Nächster Monat|Next month/ }).click();
    }
    throw new Error(`no free day from ${earliest} on within three months`);
  }

  /** Walks F1–F6 and returns the chosen slot's start; `prefix` names the screenshots. */
  async function bookUntilSummary(page: Page, email: string, prefix?: string): Promise<string> {
    const shot = async (name: string) => {
      if (prefix) await check(page, `${prefix}-${name}`);
    };
    await page.goto(site.url);
    await expectStep(page, 'Waren Sie schon einmal in unserer Praxis?');
    expect(await page.locator('#practice-name').textContent()).to.equal('Zahnarztpraxis Dr. Muster');
    await shot('1-visit-kind');
    await choose(page, 'Ersttermin');
    await expectStep(page, 'Worum geht es?');
    await shot('2-group');
    await choose(page, 'Kontrolle & Prophylaxe');
    await expectStep(page, 'Welchen Termin benötigen Sie?');
    await shot('3-type');
    await choose(page, 'Kontrolle');
    await expectStep(page, 'Bei wem möchten Sie den Termin?');
    await shot('4-practitioner');
    await choose(page, 'Dr. med. dent. Eva Muster');
    await expectStep(page, 'Wann möchten Sie kommen?');
    // The device is in New York: the page says whose time it shows.
    await page
      .locator('.slot-picker', { hasText: 'Die Zeiten sind Ortszeit der Praxis (Mitteleuropäische Zeit).' })
      .waitFor();
    await pickDay(page, 3);
    const time = page.locator('button.time').first();
    await time.waitFor();
    await shot('5-date-time');
    const start = (await time.getAttribute('data-start'))!;
    await time.click();
    await expectStep(page, 'Ihre Angaben');
    // Validation as you type: a wrong address is criticised once the field is left.
    await page.fill('#email', 'anna@');
    await page.locator('#email').blur();
    await page.locator('#email-error', { hasText: 'gültige E-Mail-Adresse' }).waitFor();
    for (const [field, value] of Object.entries({ ...testPatient, email, phone: testPhone }))
      await page.fill(`#${field}`, value);
    await shot('6-patient');
    await page.getByRole('button', { name: /Weiter/ }).click();
    await expectStep(page, 'Anfrage prüfen und senden');
    // The browser runs in New York; the time shown is the practice's wall-clock time of the slot.
    await page.locator('dd', { hasText: `um ${start.slice(11, 16)}` }).waitFor();
    return start;
  }

  async function send(page: Page): Promise<void> {
    await page.locator('#consent').check();
    await page.getByRole('button', { name: 'Anfrage senden' }).click();
  }

  it('when the built site is measured, then its JavaScript stays under 50 KB gzipped', async () => {
    const size = await measureJs(distDir);
    expect(size.files.length).to.be.greaterThan(0);
    expect(size.totalGzipBytes).to.be.at.most(jsBudgetBytes);
  });

  it('when a patient books on a desktop in English, then the flow, the language switch and the back button work', async () => {
    const { page, context } = await newPage(desktop);
    await page.goto(site.url);
    await expectStep(page, 'Waren Sie schon einmal in unserer Praxis?');
    await page.selectOption('#language', 'en');
    await expectStep(page, 'Have you been to our practice before?');
    expect(await page.getAttribute('html', 'lang')).to.equal('en');
    // The home page moves to the language's own page (ADR 0055), keeping the flow where it is.
    expect(new URL(page.url()).pathname).to.equal('/en/');
    // The home page is for search engines: a description in the shown language naming the practice,
    // the canonical address and the practice's languages as alternates, all absolute.
    expect(await page.locator('meta[name="robots"]').count(), 'robots meta on the home page').to.equal(0);
    expect(await page.getAttribute('meta[name="description"]', 'content')).to.equal(
      'Book an appointment at Zahnarztpraxis Dr. Muster online – see the free times and book in a few steps.',
    );
    expect(
      await page.locator('link[rel="canonical"]').evaluateAll((links) => links.map((l) => l.getAttribute('href'))),
    ).to.deep.equal([`${site.url}/en/`]);
    const alternates = await page
      .locator('link[rel="alternate"]')
      .evaluateAll((links) => links.map((l) => `${l.getAttribute('hreflang')} ${l.getAttribute('href')}`));
    expect(alternates).to.include.members([`de ${site.url}/de/`, `en ${site.url}/en/`, `x-default ${site.url}/`]);
    expect(new Set(alternates).size, 'each alternate once').to.equal(alternates.length);
    await page.locator('button.choice', { hasText: 'Follow-up visit' }).click();
    await expectStep(page, 'What is it about?');
    // The skip link leads to the step's heading and leaves the step in the address alone.
    await page.focus('#skip-link');
    await page.keyboard.press('Enter');
    await expectStep(page, 'What is it about?');
    expect(new URL(page.url()).hash).to.equal('#group');
    await page.locator('button.choice', { hasText: 'Check-ups & prevention' }).click();
    await expectStep(page, 'Which appointment do you need?');
    // The browser's back button returns to the previous step, and forward again.
    await page.goBack();
    await expectStep(page, 'What is it about?');
    await page.goForward();
    await expectStep(page, 'Which appointment do you need?');
    await page.locator('button.choice', { hasText: 'Check-up' }).first().click();
    await expectStep(page, 'With whom would you like the appointment?');
    await page.locator('button.choice', { hasText: 'Next available practitioner' }).click();
    await expectStep(page, 'When would you like to come?');
    await page.locator('button.day.free').first().click();
    await page.locator('button.time .time-who').first().waitFor();
    // Each practitioner is named once, above their own times; each time still says whose it is.
    const names = await page.locator('.time-group-name').allTextContents();
    expect(names.length).to.be.greaterThan(0);
    expect(new Set(names).size, 'practitioners named once').to.equal(names.length);
    expect(await page.locator('.time-group').first().locator('button.time .time-who').first().textContent()).to.equal(
      ` with ${names[0]}`,
    );
    await check(page, 'desktop-5-date-time');
    await page.locator('button.time').first().click();
    await expectStep(page, 'Your details');
    // Keyboard only: the form is filled and sent with Tab, typing and Enter.
    await page.getByRole('button', { name: /Continue/ }).click();
    await page.locator('#firstName-error', { hasText: 'Please fill in this field.' }).waitFor();
    await check(page, 'desktop-6-patient-errors');
    await page.fill('#firstName', 'Paul');
    await page.fill('#lastName', 'Example');
    await page.fill('#birthDate', '1970-01-31');
    await page.fill('#email', `paul.${randomBytes(4).toString('hex')}@example.ch`);
    await page.locator('#email').press('Enter');
    await expectStep(page, 'Check and send your request');
    await check(page, 'desktop-7-summary');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.locator('#consent-error', { hasText: 'agree to the privacy policy' }).waitFor();
    await page.locator('#consent').press('Space');
    await page.getByRole('button', { name: 'Send request' }).press('Enter');
    await expectStep(page, 'Please check your e-mail');
    await check(page, 'desktop-8-sent');
    await context.close();
  });

  it("when a language's home page or a link naming the language is opened on a German device, then the page is in that language", async () => {
    const { page, context } = await newPage(phone);
    await page.goto(`${site.url}/fr/`);
    await expectStep(page, 'Êtes-vous déjà venu·e dans notre cabinet ?');
    expect(await page.getAttribute('html', 'lang')).to.equal('fr');
    expect(await page.getAttribute('link[rel="canonical"]', 'href')).to.equal(`${site.url}/fr/`);
    // The form of the links in e-mails and SMS (ADR 0056) still chooses the language of `/`.
    await page.goto(`${site.url}/?lang=it`);
    await expectStep(page, 'È già stato/a nel nostro studio?');
    expect(await page.getAttribute('html', 'lang')).to.equal('it');
    expect(await page.getAttribute('link[rel="canonical"]', 'href')).to.equal(`${site.url}/`);
    await context.close();
  });

  it('when a patient on a phone lets the next free practitioner take the appointment, then the times are grouped under each name, shown once', async () => {
    const { page, context } = await newPage(phone);
    await page.goto(site.url);
    await expectStep(page, 'Waren Sie schon einmal in unserer Praxis?');
    await choose(page, 'Ersttermin');
    await expectStep(page, 'Worum geht es?');
    await choose(page, 'Kontrolle & Prophylaxe');
    await expectStep(page, 'Welchen Termin benötigen Sie?');
    await choose(page, 'Kontrolle');
    await expectStep(page, 'Bei wem möchten Sie den Termin?');
    await choose(page, 'Nächster freier Behandler');
    await expectStep(page, 'Wann möchten Sie kommen?');
    // A day on which at least two practitioners have free times.
    await page.locator('.slot-picker[aria-busy="false"]').waitFor();
    let groups = 0;
    for (const date of await page
      .locator('button.day.free')
      .evaluateAll((days) => days.map((d) => d.getAttribute('data-date')!))) {
      await page.locator(`button.day[data-date="${date}"]`).click();
      await page.locator('.time-group').first().waitFor();
      groups = await page.locator('.time-group').count();
      if (groups >= 2) break;
    }
    expect(groups, 'practitioners with times on one day').to.be.at.least(2);
    const names = await page.locator('.time-group-name').allTextContents();
    expect(new Set(names).size, 'one group per practitioner').to.equal(names.length);
    // What the page shows, as a person sees it: the text of every text node not clipped away.
    const shown = (await page.evaluate(visibleTextExpression)) as string;
    for (const name of names) expect(shown.split(name).length - 1, `times "${name}" is shown`).to.equal(1);
    // Each time still says whose it is to screen readers, in text that is not visible.
    const whos = await page.locator('.time-group button.time .time-who').evaluateAll((elements) =>
      elements.map((e) => {
        const box = e.getBoundingClientRect();
        return { text: e.textContent ?? '', area: box.width * box.height };
      }),
    );
    expect(whos.length, 'times with a name for screen readers').to.equal(
      await page.locator('.time-group button.time').count(),
    );
    for (const who of whos) {
      expect(
        names.some((name) => who.text === ` bei ${name}`),
        who.text,
      ).to.equal(true);
      expect(shown.includes(who.text.trim()), `"${who.text}" is visible`).to.equal(false);
      expect(who.area, `"${who.text}" takes no more than a pixel`).to.be.at.most(1);
    }
    const first = page.locator('.time-group').first();
    const firstTime = (await first.locator('.time-value').first().textContent())!;
    await page
      .getByRole('button', { name: `${firstTime} bei ${names[0]}` })
      .first()
      .waitFor();
    await check(page, 'phone-5-time-next-free');
    await context.close();
  });

  it('when the chosen slot is taken meanwhile, then the patient is told so and picks one of the nearest alternatives', async () => {
    const { page, context } = await newPage(phone);
    const email = `lea.${randomBytes(4).toString('hex')}@example.ch`;
    const start = await bookUntilSummary(page, email);
    const rival = await postJson(
      `${stack.gatewayUrl}/api/v1/holds`,
      {
        appointmentTypeId: 'checkup',
        practitionerId: 'dr-muster',
        start,
        channel: 'email',
        language: 'de',
        patient: {
          firstName: 'Rita',
          lastName: 'Rival',
          birthDate: '1990-01-01',
          email: `rita.${randomBytes(4).toString('hex')}@example.ch`,
        },
        consent: { accepted: true, privacyPolicyVersion: '2026-01' },
      },
      { 'idempotency-key': randomBytes(8).toString('hex') },
    );
    expect(rival.status).to.equal(201);
    await send(page);
    await page.locator('#flow-error', { hasText: 'Leider hat soeben jemand anderes diesen Termin gebucht.' }).waitFor();
    await page.locator('#alternatives-heading').waitFor();
    await check(page, 'slot-taken');
    await page.locator('.alternatives button.time').first().click();
    await send(page);
    await expectStep(page, 'Bitte prüfen Sie Ihre E-Mails');
    await context.close();
  });

  it('when the connection drops or the server refuses an entry, then the patient is told, keeps every entry and sends again', async () => {
    const { page, context } = await newPage(phone);
    const email = `tom.${randomBytes(4).toString('hex')}@example.ch`;
    // Accepted by the page's quick check, refused by the API's stricter one.
    await bookUntilSummary(page, `tom..${email}`);
    await page.reload();
    await expectStep(page, 'Anfrage prüfen und senden');
    await page.locator('dd', { hasText: 'Anna Beispiel' }).waitFor();

    await context.setOffline(true);
    await send(page);
    await page.locator('#flow-error', { hasText: 'Der Buchungsdienst ist nicht erreichbar' }).waitFor();
    await check(page, 'network-failure');
    await context.setOffline(false);
    await page.locator('#flow-error').getByRole('button', { name: 'Erneut versuchen' }).click();

    await expectStep(page, 'Ihre Angaben');
    await page.locator('#email-error', { hasText: 'gültige E-Mail-Adresse' }).waitFor();
    expect(await page.inputValue('#firstName')).to.equal('Anna');
    await page.fill('#email', email);
    await page.getByRole('button', { name: /Weiter/ }).click();
    await expectStep(page, 'Anfrage prüfen und senden');
    await page.getByRole('button', { name: 'Anfrage senden' }).click();
    await expectStep(page, 'Bitte prüfen Sie Ihre E-Mails');
    await context.close();
  });

  it('when a confirm link is opened after the confirmation window, then the page says it expired and offers to book again', async () => {
    const pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    try {
      await pool.query('UPDATE hold_manager.settings SET confirmation_window_seconds = 2');
      const { page, context } = await newPage(phone);
      const email = `max.${randomBytes(4).toString('hex')}@example.ch`;
      await bookUntilSummary(page, email);
      await send(page);
      await expectStep(page, 'Bitte prüfen Sie Ihre E-Mails');
      const provisional = await mailTo(stack, email, /\/confirm\?token=/);
      await page.locator('.countdown', { hasText: 'Die Zeit zum Bestätigen ist abgelaufen' }).waitFor();
      await page.goto(linkIn(String(provisional.text), 'confirm', site.url));
      await page.locator('.error-text', { hasText: 'Diese Anfrage ist abgelaufen' }).waitFor();
      await page.getByRole('link', { name: 'Termin buchen' }).waitFor();
      await check(page, 'confirm-expired');
      await context.close();
    } finally {
      await pool.query('UPDATE hold_manager.settings SET confirmation_window_seconds = 900');
      await pool.end();
    }
  });

  it('when the cancellation deadline has passed, then the manage page says so and offers no change or cancel', async () => {
    const pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    try {
      // Every demo slot lies within a deadline of a year before the appointment.
      await pool.query('UPDATE hold_manager.settings SET cancellation_deadline_seconds = 31536000');
      const { page, context } = await newPage(phone);
      const email = `eva.${randomBytes(4).toString('hex')}@example.ch`;
      await bookUntilSummary(page, email);
      await send(page);
      await expectStep(page, 'Bitte prüfen Sie Ihre E-Mails');
      await page.goto(linkIn(String((await mailTo(stack, email, /\/confirm\?token=/)).text), 'confirm', site.url));
      await expectStep(page, 'Vielen Dank – Ihr Termin ist bestätigt.');
      await page.goto(linkIn(String((await mailTo(stack, email, /\/manage\?token=/)).text), 'manage', site.url));
      await page.locator('.warning', { hasText: 'Bitte rufen Sie die Praxis an: +41 44 123 45 67' }).waitFor();
      expect(await page.getByRole('button', { name: 'Termin absagen' }).count()).to.equal(0);
      await check(page, 'manage-deadline-passed');
      await context.close();
    } finally {
      await pool.query('UPDATE hold_manager.settings SET cancellation_deadline_seconds = 86400');
      await pool.end();
    }
  });

  it("when a patient presses the button behind a reminder's opt-out link, then reminders to them stop; an unknown link is refused", async () => {
    const pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    try {
      // The link of a reminder notification sent to this patient (ADR 36).
      const email = `lea.${randomBytes(4).toString('hex')}@example.ch`;
      const token = newOptOutToken();
      const contacts = contactKeysOf({ firstName: 'Lea', lastName: 'Muster', email });
      await pool.query(
        `INSERT INTO notification.reminder_opt_out_links (token_hash, contact_hashes, expires_at)
         VALUES ($1, $2, now() + interval '1 day')`,
        [token.hash, contacts],
      );
      const { page, context } = await newPage(phone);
      await page.goto(`${site.url}/reminders?token=${token.value}`);
      await expectStep(page, 'Terminerinnerungen');
      const optedOut = () =>
        pool.query('SELECT 1 FROM notification.reminder_opt_outs WHERE contact_hash = $1', contacts);
      expect((await optedOut()).rowCount, 'opening the page changes nothing').to.equal(0);
      await check(page, 'reminders-opt-out');
      await page.getByRole('button', { name: 'Keine Erinnerungen mehr senden' }).click();
      await page.locator('.success', { hasText: 'Sie erhalten keine Terminerinnerungen mehr' }).waitFor();
      expect((await optedOut()).rowCount).to.equal(1);

      await page.goto(`${site.url}/reminders?token=${newOptOutToken().value}`);
      await page.getByRole('button', { name: 'Keine Erinnerungen mehr senden' }).click();
      await page.locator('.error-text', { hasText: 'Dieser Link ist nicht (mehr) gültig' }).waitFor();
      await context.close();
    } finally {
      await pool.end();
    }
  });
});

/**
 * The text of the page's main part that a person can see: text nodes in elements that are
 * rendered, not hidden, and not clipped into a box of a pixel or less (visually hidden text, which
 * screen readers still read), one line per node.
 */
const visibleTextExpression = `(() => {
  const clippedAway = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      const box = e.getBoundingClientRect();
      const clips = style.overflow !== 'visible' || style.clip !== 'auto' || style.clipPath !== 'none';
      if (clips && (box.width <= 1 || box.height <= 1)) return true;
      if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) === 0) return true;
    }
    return false;
  };
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const lines = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (text && !clippedAway(node.parentElement)) lines.push(text);
  }
  return lines.join('\\n');
})()`;
