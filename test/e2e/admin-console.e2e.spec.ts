import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { type SiteServer, startSiteServer } from '../../scripts/dev/site-server.js';
import { createStaffAccount } from '../support/admin-client.js';
import { buildSiteIfStale, distDir, launchChromium, seriousAxeViolations } from '../support/browser.js';
import { startDemoStack } from '../support/demo-stack.js';
import { aHoldRequest, offeredSlots, postJson } from '../support/factories.js';
import type { Stack } from '../support/stack.js';

const artifacts = fileURLToPath(new URL('../../test-artifacts/admin', import.meta.url));

describe('practice console in a real browser against the real stack', function () {
  this.timeout(300000);
  let stack: Stack;
  let site: SiteServer;
  let browser: Browser;
  let gatewayUrl = 'http://127.0.0.1:9';
  let password: string;
  const email = 'admin@practice.test';
  const problems: string[] = [];

  before(async () => {
    buildSiteIfStale();
    site = await startSiteServer({ root: distDir, gatewayUrl: () => gatewayUrl });
    [stack, browser] = await Promise.all([startDemoStack({ env: { ADMIN_COOKIE_SECURE: 'false' } }), launchChromium()]);
    gatewayUrl = stack.gatewayUrl;
    password = await createStaffAccount(stack, email, 'admin');
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await stack?.stop();
  });

  async function tabletPage(): Promise<Page> {
    // A tablet at the reception desk, in landscape.
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'de-CH' });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    page.setDefaultTimeout(20000);
    return page;
  }

  it('when the patient pages are built, then none of them loads the console bundle', () => {
    const console = readdirSync(join(distDir, '_astro')).filter((name) => name.startsWith('admin.'));
    expect(console).to.have.length(1);
    const adminPage = readFileSync(join(distDir, 'admin', 'index.html'), 'utf8');
    expect(adminPage).to.include(console[0]);
    for (const page of ['index.html', 'confirm/index.html', 'manage/index.html']) {
      expect(readFileSync(join(distDir, page), 'utf8')).not.to.include('admin.');
    }
  });

  it('when an admin signs in and sets the confirmation window to 5 minutes, then a new hold expires after 5 minutes', async () => {
    const page = await tabletPage();
    await page.goto(`${site.url}/admin/`);
    await page.getByRole('heading', { name: 'Praxis-Konsole – Anmelden' }).waitFor();
    expect(await seriousAxeViolations(page), 'axe on the sign-in form').to.deep.equal([]);

    await page.getByLabel('Passwort').fill('not the password at all');
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByText('E-Mail-Adresse, Passwort oder Code stimmen nicht.').waitFor();

    await page.getByLabel('Passwort').fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('heading', { name: 'Einstellungen der Praxis' }).waitFor();
    expect(await seriousAxeViolations(page), 'axe on the settings').to.deep.equal([]);

    const window = page.getByLabel('Bestätigungsfrist (Minuten, 5–120)');
    expect(await window.inputValue()).to.equal('15');
    await window.fill('5');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();

    const slots = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
    const slot = slots[0]!;
    const placedAt = Date.now();
    const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, aHoldRequest(slot));
    expect(hold.status).to.equal(201);
    expect(Date.parse(hold.body.expiresAt as string) - placedAt).to.be.within(5 * 60_000 - 2000, 5 * 60_000 + 5000);
    // A few more test patients on the same day, for a bookings view with something in it.
    const names = [
      ['Marco', 'Rossi'],
      ['Claire', 'Dubois'],
      ['Lukas', 'Meier'],
    ];
    const sameDay = slots.filter((s) => s.start.slice(0, 10) === slot.start.slice(0, 10)).slice(1, 1 + names.length);
    for (const [i, other] of sameDay.entries()) {
      const request = aHoldRequest(other);
      const [firstName, lastName] = names[i]!;
      const more = await postJson(`${stack.gatewayUrl}/api/v1/holds`, {
        ...request,
        patient: { ...request.patient, firstName, lastName },
      });
      expect(more.status).to.equal(201);
    }

    // The bookings view of the hold's day lists it, and the audit log names the change.
    await page.goto(`${site.url}/admin/#/bookings?date=${new Date(slot.start).toLocaleDateString('sv')}&span=day`);
    await page.getByRole('heading', { name: 'Termine', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'Beispiel, Anna' }).first().waitFor();
    // The README's picture of the console (test patients only).
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'console-bookings.png') });
    expect(await seriousAxeViolations(page), 'axe on the bookings').to.deep.equal([]);
    await page.getByRole('link', { name: 'Protokoll' }).click();
    await page.getByRole('cell', { name: 'settings.update' }).first().waitFor();

    expect(problems).to.deep.equal([]);
  });
});
