import { readFileSync } from 'node:fs';
import { createPool } from '@otk/db';
import { expect } from 'chai';
import type pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { type SiteServer, startSiteServer } from '../../scripts/dev/site-server.js';
import { AdminClient, createStaffAccount } from '../support/admin-client.js';
import { buildSiteIfStale, distDir, launchChromium, seriousAxeViolations } from '../support/browser.js';
import { startDemoStack } from '../support/demo-stack.js';
import { aHoldRequest, offeredSlots, postJson } from '../support/factories.js';
import { listenForLinkTokens } from '../support/link-tokens.js';
import type { Stack } from '../support/stack.js';

describe("patient data in the console: staff export a booking's patient and an admin erases it after confirming", function () {
  this.timeout(300000);
  let stack: Stack;
  let site: SiteServer;
  let browser: Browser;
  let pool: pg.Pool;
  let gatewayUrl = 'http://127.0.0.1:9';
  const adminEmail = 'admin@practice.test';
  const staffEmail = 'reception@practice.test';
  let adminPassword: string;
  let staffPassword: string;
  let bookingId: string;
  const problems: string[] = [];

  before(async () => {
    buildSiteIfStale();
    site = await startSiteServer({ root: distDir, gatewayUrl: () => gatewayUrl });
    [stack, browser] = await Promise.all([startDemoStack({ env: { ADMIN_COOKIE_SECURE: 'false' } }), launchChromium()]);
    gatewayUrl = stack.gatewayUrl;
    pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    adminPassword = await createStaffAccount(stack, adminEmail, 'admin');
    staffPassword = await createStaffAccount(stack, staffEmail, 'staff');

    // A booking the patient confirmed and the practice cancelled: nothing open stands in the way.
    const [slot] = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
    const links = await listenForLinkTokens(stack.env.AMQP_URL!);
    const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, aHoldRequest(slot));
    bookingId = hold.body.bookingId as string;
    await postJson(`${stack.gatewayUrl}/api/v1/bookings/confirm`, { token: await links.confirmTokenOf(bookingId) });
    await links.stop();
    const staff = new AdminClient(stack.gatewayUrl, '127.0.0.1');
    expect((await staff.signIn(staffEmail, staffPassword)).status).to.equal(200);
    expect((await staff.request('POST', `/bookings/${bookingId}/cancel`, { reason: 'moved away' })).status).to.equal(
      200,
    );
  });

  after(async () => {
    await pool?.end();
    await browser?.close();
    await site?.close();
    await stack?.stop();
  });

  async function signedIn(account: string, secret: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'de-CH',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    page.setDefaultTimeout(20000);
    await page.goto(`${site.url}/admin/`);
    await page.getByLabel('E-Mail-Adresse').fill(account);
    await page.getByLabel('Passwort').fill(secret);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('navigation').waitFor();
    await page.goto(`${site.url}/admin/#/booking/${bookingId}`);
    await page.getByRole('heading', { name: 'Patientendaten' }).waitFor();
    return page;
  }

  it('when staff export from the booking detail, then a JSON file with the booking arrives and erasing is not offered to them', async () => {
    const page = await signedIn(staffEmail, staffPassword);
    expect(await page.getByRole('button', { name: 'Patientendaten löschen…' }).count()).to.equal(0);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Patientendaten exportieren (JSON)' }).click(),
    ]);
    expect(download.suggestedFilename()).to.equal(`patient-data-${bookingId}.json`);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
      holdManager: { bookings: { bookingId: string; consent: { privacyPolicyVersion: string } }[] };
    };
    expect(exported.holdManager.bookings.map((b) => b.bookingId)).to.include(bookingId);
    await page.getByRole('status').filter({ hasText: 'Der Export wurde als Datei gespeichert.' }).waitFor();
    expect(problems).to.deep.equal([]);
  });

  it('when an admin asks to erase, then a dialog asks first; keeping the data erases nothing, confirming erases it', async () => {
    const page = await signedIn(adminEmail, adminPassword);
    const erase = page.getByRole('button', { name: 'Patientendaten löschen…' });
    await erase.click();
    const dialog = page.getByRole('dialog', { name: 'Daten dieser Person löschen?' });
    await dialog.waitFor();
    expect(await seriousAxeViolations(page), 'axe on the dialog').to.deep.equal([]);
    // The safe choice has the focus.
    expect(await page.evaluate('document.activeElement?.textContent')).to.equal('Daten behalten');
    await dialog.getByRole('button', { name: 'Daten behalten' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const stored = async () =>
      (await pool.query('SELECT 1 FROM hold_manager.bookings WHERE id = $1', [bookingId])).rows.length;
    expect(await stored()).to.equal(1);

    await erase.click();
    await dialog.getByRole('button', { name: 'Endgültig löschen' }).click();
    await page.getByRole('status').filter({ hasText: 'Gelöscht. Termine: 1' }).waitFor();
    expect(await stored()).to.equal(0);
    expect(problems).to.deep.equal([]);
  });
});
