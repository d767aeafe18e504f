import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool } from '@otk/db';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { SiteServer } from '../../scripts/dev/site-server.js';
import { AdminClient, createStaffAccount } from '../support/admin-client.js';
import { launchChromium, seriousAxeViolations } from '../support/browser.js';
import { type LinkPath, linkIn, mailTo, startSiteAndStack } from '../support/booking-site.js';
import { type OfferedSlot, aHoldRequest, offeredSlots, postJson } from '../support/factories.js';
import { openApiChecker } from '../support/openapi.js';
import type { Stack } from '../support/stack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const matchesOpenApi = openApiChecker();
const artifacts = join(root, 'test-artifacts', 'waitlist');

describe('waiting list in Chromium: a freed slot offered by e-mail and booked through the link', function () {
  this.timeout(300000);
  let stack: Stack;
  let site: SiteServer;
  let browser: Browser;
  /** Free check-ups with Dr. Muster at least three days ahead (a booking may be cancelled until a day before). */
  let slots: OfferedSlot[];

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    // The console's cookie without `Secure`: the test's site is served over plain http.
    [{ site, stack }, browser] = await Promise.all([
      startSiteAndStack({ ADMIN_COOKIE_SECURE: 'false' }),
      launchChromium(),
    ]);
    const earliest = Date.now() + 3 * 86400_000;
    slots = (await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' })).filter(
      (slot) => Date.parse(slot.start) > earliest,
    );
    // Each test uses a day of its own, so that one test's waiting patients never match another's slot.
    const days = [...new Set(slots.map((slot) => slot.start.slice(0, 10)))];
    expect(days.length, 'free days to test on').to.be.at.least(3);
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await stack?.stop();
  });

  let pageProblems: string[] = [];
  beforeEach(() => {
    pageProblems = [];
  });
  afterEach(() => {
    expect(pageProblems, 'errors in the page').to.deep.equal([]);
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'de-CH' });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageProblems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageProblems.push(message.text());
    });
    page.setDefaultTimeout(20000);
    return page;
  }

  /** Screenshot as a test artifact and an axe-core scan: no serious or critical violation. */
  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
    expect(await seriousAxeViolations(page), `axe on ${name}`).to.deep.equal([]);
  }

  /** A POST to the public API; every answer must be as docs/api/openapi.yaml describes it. */
  const api = async (path: string, body: unknown) => {
    const answer = await postJson(`${stack.gatewayUrl}/api/v1${path}`, body);
    matchesOpenApi('POST', path, answer.status, answer.body);
    return answer;
  };
  const anEmail = (name: string) => `${name}.${randomBytes(4).toString('hex')}@example.ch`;
  /** The token of the link to `path` in the first e-mail to `email` that has one. */
  const tokenOf = async (email: string, path: LinkPath) => {
    const mail = await mailTo(stack, email, new RegExp(`/${path}\\?token=`));
    return new URL(linkIn(String(mail.text), path, site.url)).searchParams.get('token')!;
  };
  const linkOf = async (email: string, path: LinkPath) =>
    linkIn(String((await mailTo(stack, email, new RegExp(`/${path}\\?token=`))).text), path, site.url);

  /** Another patient books `slot` and confirms it; returns the manage token of their booking. */
  async function bookedByAnother(slot: OfferedSlot): Promise<string> {
    const request = aHoldRequest(slot);
    expect((await api('/holds', request)).status).to.equal(201);
    expect(
      (await api('/bookings/confirm', { token: await tokenOf(request.patient.email, 'confirm') })).status,
    ).to.equal(200);
    return tokenOf(request.patient.email, 'manage');
  }

  /** A patient joins the waiting list for `day` through the API and confirms through the e-mail's link. */
  async function waitingFor(day: string, name: string): Promise<string> {
    const email = anEmail(name);
    const joined = await api('/waitlist', {
      appointmentTypeId: 'checkup',
      practitionerId: 'dr-muster',
      visitKind: 'first',
      firstDay: day,
      lastDay: day,
      channel: 'email',
      language: 'de',
      patient: { firstName: name, lastName: 'Wartend', email },
      consent: { accepted: true, privacyPolicyVersion: '2026-01' },
    });
    expect(joined.status, JSON.stringify(joined.body)).to.equal(201);
    expect((await api('/waitlist/confirm', { token: await tokenOf(email, 'waitlist/confirm') })).status).to.equal(200);
    return email;
  }

  const slotOn = (index: number) => {
    const days = [...new Set(slots.map((slot) => slot.start.slice(0, 10)))];
    return slots.find((slot) => slot.start.startsWith(days[index]!))!;
  };

  it('when a request to join is not possible, then a clear 4xx with a stable code, and an unknown link is 404', async () => {
    const join = (changes: Record<string, unknown>) =>
      api('/waitlist', {
        appointmentTypeId: 'checkup',
        firstDay: slots[0]!.start.slice(0, 10),
        lastDay: slots[0]!.start.slice(0, 10),
        channel: 'email',
        patient: { firstName: 'Ida', lastName: 'Ungültig', email: anEmail('ida') },
        consent: { accepted: true, privacyPolicyVersion: '2026-01' },
        ...changes,
      });
    expect((await join({ appointmentTypeId: 'no-such-type' })).body.code).to.equal('APPOINTMENT_TYPE_UNKNOWN');
    expect((await join({ lastDay: '2020-01-01', firstDay: '2020-01-01' })).body.code).to.equal('DATE_RANGE_INVALID');
    expect((await join({ firstDay: 'tomorrow' })).body.code).to.equal('VALIDATION_FAILED');
    const withoutAddress = await join({ patient: { firstName: 'Ida', lastName: 'Ungültig' } });
    expect([withoutAddress.status, withoutAddress.body.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
    const unknown = await api('/waitlist/offer/accept', { token: 'x'.repeat(43) });
    expect([unknown.status, unknown.body.code]).to.deep.equal([404, 'TOKEN_INVALID']);
  });

  it('when a patient joins the waiting list and another patient cancels, then the offer comes by e-mail and the link books it', async () => {
    const slot = slotOn(0);
    const day = slot.start.slice(0, 10);
    const manageToken = await bookedByAnother(slot);

    // The waiting patient: through the flow to the time step, then the waiting list.
    const page = await newPage();
    const email = anEmail('wanda');
    await page.goto(site.url);
    await page.locator('button.choice', { hasText: 'Ersttermin' }).click();
    await page.locator('button.choice', { hasText: 'Kontrolle & Prophylaxe' }).click();
    await page.locator('button.choice .choice-label', { hasText: /^Kontrolle$/ }).click();
    await page.locator('button.choice', { hasText: 'Dr. med. dent. Eva Muster' }).click();
    await page.locator('h1', { hasText: 'Wann möchten Sie kommen?' }).waitFor();
    await page.locator('#waitlist-entry-heading').waitFor();
    await page.getByRole('button', { name: 'Auf die Warteliste' }).click();
    await page.locator('h1', { hasText: 'Auf die Warteliste' }).waitFor();
    await page.fill('#firstDay', day);
    await page.fill('#lastDay', day);
    await page.fill('#firstName', 'Wanda');
    await page.fill('#lastName', 'Warteliste');
    await page.fill('#email', email);
    await check(page, '1-join');
    await page.getByRole('button', { name: 'Auf die Warteliste' }).click();
    await page.locator('#consent-error', { hasText: 'Datenschutz' }).waitFor();
    await page.locator('#consent').check();
    await page.getByRole('button', { name: 'Auf die Warteliste' }).click();
    await page.locator('h1', { hasText: 'Bitte prüfen Sie Ihre E-Mails' }).waitFor();
    await check(page, '2-join-sent');

    // Stage 2 of the double opt-in: the link in the e-mail puts the patient on the list.
    await page.goto(await linkOf(email, 'waitlist/confirm'));
    await page.locator('h1', { hasText: 'Sie stehen auf der Warteliste' }).waitFor();
    await check(page, '3-on-the-list');
    await mailTo(stack, email, /waitlist\/leave\?token=/);

    // The other patient cancels: the slot is free, and the waiting patient is offered it.
    expect((await api('/bookings/cancel', { token: manageToken })).status).to.equal(200);
    const offer = await mailTo(stack, email, /waitlist\/offer\?token=/);
    expect(String(offer.subject)).to.contain('frei geworden');
    await page.goto(linkIn(String(offer.text), 'waitlist/offer', site.url));
    await page.locator('h1', { hasText: 'Ein Termin ist frei geworden' }).waitFor();
    await page.locator('dd', { hasText: `um ${slot.start.slice(11, 16)}` }).waitFor();
    await check(page, '4-offer');
    await page.getByRole('button', { name: 'Diesen Termin buchen' }).click();
    await page.locator('h1', { hasText: 'Ihr Termin ist gebucht' }).waitFor();
    await check(page, '5-booked');

    // The booking is confirmed at once: the confirmation with the manage link follows.
    const confirmation = await mailTo(stack, email, /\/manage\?token=/);
    expect(String(confirmation.subject)).to.match(/bestätigt/);
    // The slot is taken: nobody else can hold it.
    const rival = await api('/holds', aHoldRequest(slot));
    expect(rival.status).to.equal(409);
    await page.context().close();
  });

  it('when two waiting patients race for one offer, then exactly one gets it and the other is told politely that they stay on the list', async () => {
    const slot = slotOn(1);
    const day = slot.start.slice(0, 10);
    const manageToken = await bookedByAnother(slot);
    const emails = [await waitingFor(day, 'Clara'), await waitingFor(day, 'Daniel')];
    expect((await api('/bookings/cancel', { token: manageToken })).status).to.equal(200);

    const pages = await Promise.all(emails.map(() => newPage()));
    for (const [i, email] of emails.entries()) {
      await pages[i]!.goto(await linkOf(email, 'waitlist/offer'));
      await pages[i]!.locator('h1', { hasText: 'Ein Termin ist frei geworden' }).waitFor();
    }
    await Promise.all(pages.map((page) => page.getByRole('button', { name: 'Diesen Termin buchen' }).click()));
    const outcome = (page: Page) =>
      waitFor(
        async () => {
          const heading = await page.locator('h1').textContent();
          return heading === 'Ihr Termin ist gebucht' || heading === 'Jemand war schneller' ? heading : undefined;
        },
        { timeoutMs: 20000, what: 'the answer to the booking' },
      );
    const outcomes = await Promise.all(pages.map(outcome));
    expect([...outcomes].sort()).to.deep.equal(['Ihr Termin ist gebucht', 'Jemand war schneller']);
    const loser = pages[outcomes.indexOf('Jemand war schneller')]!;
    await loser.locator('p', { hasText: 'Sie bleiben auf der Warteliste' }).waitFor();
    await check(loser, '6-race-lost');
    // Exactly one confirmation went out.
    const winner = emails[outcomes.indexOf('Ihr Termin ist gebucht')]!;
    await mailTo(stack, winner, /\/manage\?token=/);
    const loserEmail = emails[outcomes.indexOf('Jemand war schneller')]!;
    expect(
      stack.smtp.messages.some(
        (m) => JSON.stringify(m.to ?? '').includes(loserEmail) && /\/manage\?token=/.test(String(m.text ?? '')),
      ),
    ).to.equal(false);
    for (const page of pages) await page.context().close();
  });

  it('when staff open the waiting list in the console, then they see who waits and remove an entry with a reason, audited', async () => {
    const day = slotOn(2).start.slice(0, 10);
    const first = await waitingFor(day, 'Emma');
    const second = await waitingFor(day, 'Felix');
    const email = 'reception@practice.test';
    const password = await createStaffAccount(stack, email, 'staff');

    // The console API answers as docs/api/openapi.yaml says, in order of joining.
    const client = new AdminClient(stack.gatewayUrl, '198.51.100.20');
    expect((await client.signIn(email, password)).status).to.equal(200);
    const listed = await client.request('GET', '/waitlist');
    expect(listed.status).to.equal(200);
    const emails = (listed.body.entries as { patient: { email: string } }[]).map((e) => e.patient.email);
    expect(emails.indexOf(first)).to.be.lessThan(emails.indexOf(second));

    const page = await newPage();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${site.url}/admin/`);
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByLabel('Passwort').fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('link', { name: 'Warteliste' }).click();
    await page.getByRole('heading', { name: 'Warteliste' }).waitFor();
    const row = page.locator('tr', { hasText: 'Wartend, Emma' });
    await row.waitFor();
    await check(page, '7-console-list');
    await row.getByLabel('Grund: Wartend, Emma').fill('hat telefonisch gebucht');
    await row.getByRole('button', { name: 'Von der Liste nehmen' }).click();
    await page.getByRole('status').filter({ hasText: 'Von der Warteliste genommen.' }).waitFor();
    expect(await page.locator('tr', { hasText: 'Wartend, Emma' }).count()).to.equal(0);
    await page.locator('tr', { hasText: 'Wartend, Felix' }).waitFor();

    const pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    try {
      const { rows } = await pool.query(
        `SELECT account_email, details FROM gateway.audit_log WHERE action = 'waitlist.remove'`,
      );
      expect(rows).to.deep.equal([{ account_email: email, details: { reason: 'hat telefonisch gebucht' } }]);
      const listedAudit = await pool.query(`SELECT 1 FROM gateway.audit_log WHERE action = 'waitlist.list'`);
      expect(listedAudit.rows.length).to.be.at.least(2);
    } finally {
      await pool.end();
    }
    await page.context().close();
  });
});
