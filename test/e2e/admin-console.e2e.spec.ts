import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool } from '@otk/db';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { generate } from 'otplib';
import type pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { type SiteServer, startSiteServer } from '../../scripts/dev/site-server.js';
import { AdminClient, createStaffAccount } from '../support/admin-client.js';
import { buildSiteIfStale, distDir, launchChromium, seriousAxeViolations } from '../support/browser.js';
import { startDemoStack } from '../support/demo-stack.js';
import { type OfferedSlot, aHoldRequest, getJson, offeredSlots, postJson } from '../support/factories.js';
import { type LinkTokens, listenForLinkTokens } from '../support/link-tokens.js';
import { type KeptCatalogue, importCatalogueFromPracticeSystem } from '../support/practice-system-events.js';
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

  async function tabletPage(locale = 'de-CH'): Promise<Page> {
    // A tablet at the reception desk, in landscape.
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    page.setDefaultTimeout(20000);
    return page;
  }

  it('when the patient pages are built, then none of them loads the console bundle', () => {
    const console = readdirSync(join(distDir, '_astro')).filter((name) => /^admin\..*\.js$/.test(name));
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
    // The slot's start carries the practice's offset: its first ten characters are the practice's date.
    await page.goto(`${site.url}/admin/#/bookings?date=${slot.start.slice(0, 10)}&span=day`);
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

  async function signIn(page: Page, account: string, secret: string, code?: string): Promise<void> {
    await page.goto(`${site.url}/admin/`);
    await page.getByLabel('E-Mail-Adresse').fill(account);
    await page.getByLabel('Passwort').fill(secret);
    if (code) await page.getByLabel('Code der Authenticator-App (falls eingerichtet)').fill(code);
    await page.getByRole('button', { name: 'Anmelden' }).click();
  }

  describe('what the practice sets takes effect at once', () => {
    let pool: pg.Pool;
    let links: LinkTokens;
    before(async () => {
      pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
      links = await listenForLinkTokens(stack.env.AMQP_URL!);
    });
    after(async () => {
      await links?.stop();
      await pool?.end();
    });

    /** Holds and confirms a booking of a slot as a patient would; its manage token comes with the confirmation. */
    async function aConfirmedBooking(slot: OfferedSlot) {
      const request = aHoldRequest(slot);
      const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, request);
      expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
      const bookingId = hold.body.bookingId as string;
      const confirmed = await postJson(`${stack.gatewayUrl}/api/v1/bookings/confirm`, {
        token: await links.confirmTokenOf(bookingId),
      });
      expect(confirmed.status).to.equal(200);
      return { bookingId, patientEmail: request.patient.email, manageToken: await links.manageTokenOf(bookingId) };
    }

    const mailsTo = (address: string) =>
      stack.smtp.messages.filter((mail) =>
        [mail.to ?? []].flat().some((to) => to.value.some((entry) => entry.address === address)),
      );

    it('when an admin has a code generator, then signing in in the browser needs its code', async () => {
      const account = 'totp-admin@practice.test';
      const secret = await createStaffAccount(stack, account, 'admin');
      const api = new AdminClient(stack.gatewayUrl, '203.0.113.7');
      expect((await api.signIn(account, secret)).status).to.equal(200);
      const enrolment = await api.request('POST', '/account/totp');
      const totpSecret = enrolment.body.secret as string;
      const confirmed = await api.request('POST', '/account/totp/confirm', {
        code: await generate({ secret: totpSecret }),
      });
      expect(confirmed.status).to.equal(204);

      const page = await tabletPage();
      await signIn(page, account, secret);
      await page.getByText('Bitte geben Sie auch den Code Ihrer Authenticator-App ein.').waitFor();
      await signIn(page, account, secret, await generate({ secret: totpSecret }));
      await page.getByRole('heading', { name: 'Einstellungen der Praxis' }).waitFor();
      await page.getByText(`Angemeldet als ${account} (admin)`).waitFor();
    });

    it('when staff copies, the cancellation deadline and the online colour change, then the next booking follows all three', async () => {
      const page = await tabletPage();
      await signIn(page, email, password);
      await page.getByRole('heading', { name: 'Einstellungen der Praxis' }).waitFor();
      await page.getByLabel('Absagefrist vor dem Termin (Stunden, 0–168)').fill('168');
      await page.getByLabel('Kopie jeder Patientennachricht an die Praxis').check();
      await page.getByLabel('Adressen für Kopien (eine pro Zeile)').fill('empfang@practice.test\nchefin@practice.test');
      await page.getByLabel('Farbe der Online-Termine').fill('#123abc');
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();

      // The earliest slot lies well inside the 168 hours.
      const [slot] = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
      expect(Date.parse(slot!.start) - Date.now()).to.be.below(168 * 3600_000);
      const booking = await aConfirmedBooking(slot!);

      // Both staff addresses get a copy of the confirmation.
      for (const address of ['empfang@practice.test', 'chefin@practice.test']) {
        await waitFor(
          async () => (mailsTo(address).some((m) => /bestätigt/.test(m.subject ?? '')) ? true : undefined),
          {
            // The whole way of an event: outbox, broker, notification, SMTP — slow on a loaded machine.
            timeoutMs: 60000,
            what: `the copy of the confirmation for ${address}`,
          },
        );
      }
      // The practice system's calendar entry has the online colour.
      const entry = await waitFor(
        async () => {
          const { rows } = await pool.query<{ colour: string; status: string }>(
            `SELECT colour, status FROM pixelmedics_sync.pms_calendar_entries WHERE booking_id = $1`,
            [booking.bookingId],
          );
          return rows[0]?.status === 'confirmed' ? rows[0] : undefined;
        },
        { timeoutMs: 20000, what: 'the calendar entry in the practice system' },
      );
      expect(entry.colour.toUpperCase()).to.equal('#123ABC');
      // The manage page says to call the practice.
      const patient = await tabletPage();
      await patient.goto(`${site.url}/manage/?token=${encodeURIComponent(booking.manageToken)}`);
      await patient.getByText(/Bitte rufen Sie die Praxis an/).waitFor();
      expect(await patient.getByRole('button', { name: /absagen/i }).count()).to.equal(0);
    });

    it('when an admin gives the practice a logo and a colour and sets how long the audit log is kept, then a bad address is refused at the field, the booking site shows both and the audit log keeps 730 days', async () => {
      const page = await tabletPage();
      await signIn(page, email, password);
      await page.getByRole('heading', { name: 'Einstellungen der Praxis' }).waitFor();
      const practice = async () => (await getJson(`${stack.gatewayUrl}/api/v1/practice`)).body;
      expect(await page.getByLabel('Mindestvorlauf (Minuten)').inputValue()).to.equal(
        String((await practice()).minimumNoticeMinutes),
      );

      const logo = page.getByLabel('Logo (Adresse)');
      await logo.fill('logo des praxis.svg');
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByText(/^Bitte geben Sie für das Logo eine Adresse/).waitFor();
      expect(await logo.getAttribute('aria-invalid')).to.equal('true');
      expect(await page.getByRole('status').filter({ hasText: 'Gespeichert' }).count()).to.equal(0);
      expect((await practice()).logoUrl).to.equal(null);

      await logo.fill('/logo.svg');
      await page.getByLabel(/^Protokoll der Zugriffe und Änderungen aufbewahren/).fill('730');
      await page.getByLabel('Eigene Farbe der Praxis auf der Buchungsseite').check();
      const colour = page.getByLabel('Farbe der Praxis', { exact: true });
      await colour.fill('#ffcc00');
      await page.getByText(/^Weisse Schrift ist auf dieser Farbe schlecht lesbar \(Kontrast 1,5:1/).waitFor();
      await colour.fill('#1b5e20');
      await page.getByText(/^Weisse Schrift ist auf dieser Farbe gut lesbar/).waitFor();
      expect(await seriousAxeViolations(page), 'axe on the settings with the profile').to.deep.equal([]);
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();
      expect(await logo.getAttribute('aria-invalid')).to.equal('false');
      const saved = await practice();
      expect([saved.logoUrl, saved.brandColour]).to.deep.equal(['/logo.svg', '#1B5E20']);
      const api = new AdminClient(stack.gatewayUrl, '203.0.113.12');
      expect((await api.signIn(email, password)).status).to.equal(200);
      expect((await api.request('GET', '/settings')).body.auditRetentionDays).to.equal(730);

      const patient = await tabletPage();
      await patient.goto(`${site.url}/`);
      // The site has no such file; the page taking the address is what is checked.
      await patient.locator('#practice-logo img[src="/logo.svg"]').waitFor({ state: 'attached' });
      const brand = await patient.evaluate<string>(
        'getComputedStyle(document.documentElement).getPropertyValue("--brand").trim()',
      );
      expect(brand.toLowerCase()).to.equal('#1b5e20');
    });

    it('when an admin edits a group, adds a resource and links a practitioner to it in the console, then the catalogue has them', async () => {
      const api = new AdminClient(stack.gatewayUrl, '203.0.113.11');
      expect((await api.signIn(email, password)).status).to.equal(200);
      const page = await tabletPage();
      await signIn(page, email, password);
      await page.getByRole('heading', { name: 'Einstellungen der Praxis' }).waitFor();
      await page.getByRole('link', { name: 'Angebot' }).click();
      await page.getByRole('heading', { name: 'Termingruppen' }).waitFor();
      const entry = (summary: string | RegExp) =>
        page.locator('details', { has: page.locator('summary', { hasText: summary }) });

      // A group: its names in the four languages and its place.
      const group = entry('Kontrolle & Prophylaxe');
      await group.locator('summary').click();
      await group.getByLabel('Name (FR)').fill('Contrôles et prévention');
      await group.getByLabel('Reihenfolge (0 zuerst)').fill('4');
      await group.getByRole('button', { name: 'Speichern' }).click();
      await page.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();

      // A new room, then dr-keller linked to it.
      const newResource = entry('Neue Ressource');
      await newResource.locator('summary').click();
      await newResource.getByLabel('Kurzzeichen (a-z, 0-9, -)').fill('room-4');
      await newResource.getByLabel('Name', { exact: true }).fill('Behandlungszimmer 4');
      await newResource.getByLabel('Art').selectOption({ label: 'Raum' });
      await newResource.getByRole('button', { name: 'Speichern' }).click();
      await entry('Behandlungszimmer 4 · Raum').waitFor();
      const kellerName = 'Dr. med. dent. Marco Keller';
      const keller = entry(kellerName);
      await keller.locator('summary').click();
      await keller.getByLabel('Behandlungszimmer 4').check();
      expect(await keller.getByLabel('Behandlungszimmer 2').isChecked(), 'the room dr-keller has').to.equal(true);
      expect(await seriousAxeViolations(page), 'axe on the catalogue with its editors open').to.deep.equal([]);
      await keller.getByRole('button', { name: 'Speichern' }).click();
      // Saved, the page is drawn anew with every entry closed.
      await page.locator('details[open]').first().waitFor({ state: 'detached' });
      await page.getByRole('status').filter({ hasText: 'Gespeichert' }).waitFor();
      const room = entry('Behandlungszimmer 4 · Raum');
      await room.locator('summary').click();
      await room.getByText(`Verbunden mit: ${kellerName}`).waitFor();

      // An existing resource renamed.
      const xray = entry('Röntgen (OPG)');
      await xray.locator('summary').click();
      await xray.getByLabel('Name', { exact: true }).fill('Röntgen (OPG, 2. Stock)');
      await xray.getByRole('button', { name: 'Speichern' }).click();
      await entry('Röntgen (OPG, 2. Stock) · Gerät').waitFor();

      const catalogue = (await api.request('GET', '/catalogue')).body as unknown as {
        groups: { id: string; name: Record<string, string>; sortOrder: number }[];
        resources: { id: string; name: string; kind: string }[];
        practitioners: { id: string; resourceIds: string[] }[];
      };
      expect(catalogue.groups.find((g) => g.id === 'checkups')).to.deep.include({ sortOrder: 4 });
      expect(catalogue.groups.find((g) => g.id === 'checkups')!.name).to.deep.equal({
        de: 'Kontrolle & Prophylaxe',
        fr: 'Contrôles et prévention',
        it: 'Controllo e profilassi',
        en: 'Check-ups & prevention',
      });
      expect(catalogue.resources).to.deep.include({ id: 'room-4', name: 'Behandlungszimmer 4', kind: 'room' });
      expect(catalogue.resources).to.deep.include({ id: 'xray-opg', name: 'Röntgen (OPG, 2. Stock)', kind: 'device' });
      expect(catalogue.practitioners.find((p) => p.id === 'dr-keller')!.resourceIds).to.have.members([
        'room-2',
        'xray-opg',
        'room-4',
      ]);
      const publicGroups = (await getJson(`${stack.gatewayUrl}/api/v1/catalogue`)).body.groups as {
        id: string;
        name: Record<string, string>;
      }[];
      expect(publicGroups.find((g) => g.id === 'checkups')!.name.fr).to.equal('Contrôles et prévention');
      expect(problems).to.deep.equal([]);
    });

    it('when the week view is opened, then it lists each practitioner’s bookings of several days, and the day view that day’s only', async () => {
      // Two bookings on different days of one week for each of two practitioners, two weeks ahead.
      const later = Date.now() + 14 * 86400_000;
      const slotsOf = async (practitioner: string) =>
        (await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner })).filter(
          (s) => Date.parse(s.start) > later,
        );
      const dayOf = (slot: OfferedSlot) => slot.start.slice(0, 10);
      const keller = await slotsOf('dr-keller');
      const first = dayOf(keller[0]!);
      const weekEnd = new Date(Date.parse(`${first}T00:00:00Z`) + 7 * 86400_000).toISOString().slice(0, 10);
      const twoDays = (slots: OfferedSlot[]) => {
        const a = slots.find((s) => dayOf(s) >= first && dayOf(s) < weekEnd);
        const b = slots.find((s) => a && dayOf(s) > dayOf(a) && dayOf(s) < weekEnd);
        expect(a && b, 'slots on two days of the week').to.not.equal(undefined);
        return [a!, b!];
      };
      const planned = [
        { slot: twoDays(keller)[0]!, lastName: 'Favre' },
        { slot: twoDays(keller)[1]!, lastName: 'Bianchi' },
        { slot: twoDays(await slotsOf('dr-muster'))[0]!, lastName: 'Huber' },
        { slot: twoDays(await slotsOf('dr-muster'))[1]!, lastName: 'Brunner' },
      ];
      for (const { slot, lastName } of planned) {
        const request = aHoldRequest(slot);
        const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, {
          ...request,
          patient: { ...request.patient, firstName: 'Anna', lastName },
        });
        expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
      }
      const names = new Map(
        (
          (await getJson(`${stack.gatewayUrl}/api/v1/catalogue`)).body.practitioners as {
            id: string;
            displayName: string;
          }[]
        ).map((p) => [p.id, p.displayName]),
      );

      const page = await tabletPage();
      await signIn(page, email, password);
      await page.getByRole('heading', { name: 'Einstellungen der Praxis' }).waitFor();
      await page.goto(`${site.url}/admin/#/bookings?date=${first}&span=week`);
      await page.getByRole('heading', { name: 'Termine', exact: true }).waitFor();
      expect(await page.getByRole('button', { name: 'Woche' }).getAttribute('aria-pressed')).to.equal('true');
      const sectionOf = (practitionerId: string) =>
        page.locator('section', { has: page.getByRole('heading', { name: names.get(practitionerId)!, exact: true }) });
      for (const { slot, lastName } of planned) {
        const row = sectionOf(slot.practitionerId).getByRole('row', { name: new RegExp(`${lastName}, Anna`) });
        await row.waitFor();
        // Each row names its day: the two rows of a practitioner show two different dates.
        const day = new Intl.DateTimeFormat('de', { timeZone: 'Europe/Zurich', day: 'numeric', month: 'short' }).format(
          new Date(slot.start),
        );
        expect(await row.getByRole('cell').first().textContent()).to.include(day);
      }
      expect(await seriousAxeViolations(page), 'axe on the week view').to.deep.equal([]);

      // The day view of the first day has that day's booking, not the later one.
      await page.getByRole('button', { name: 'Tag' }).click();
      await page.getByRole('button', { name: 'Tag', pressed: true }).waitFor();
      await page.getByRole('cell', { name: 'Favre, Anna' }).waitFor();
      expect(await page.getByRole('cell', { name: 'Bianchi, Anna' }).count()).to.equal(0);
      expect(problems).to.deep.equal([]);
    });

    it('when the browser speaks French, then the sign-in, the bookings and the catalogue are in French and pass axe', async () => {
      const page = await tabletPage('fr-CH');
      await page.goto(`${site.url}/admin/`);
      await page.getByRole('heading', { name: 'Console du cabinet – Connexion' }).waitFor();
      expect(await page.getAttribute('html', 'lang')).to.equal('fr');
      expect(await seriousAxeViolations(page), 'axe on the French sign-in form').to.deep.equal([]);
      await page.getByLabel('Adresse e-mail').fill(email);
      await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByText('L’adresse e-mail, le mot de passe ou le code est incorrect.').waitFor();
      await page.getByLabel('Mot de passe').fill(password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('heading', { name: 'Réglages du cabinet' }).waitFor();

      const [slot] = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
      const request = aHoldRequest(slot);
      const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, {
        ...request,
        // A name no other test of this file books (the first one books a Claire Dubois on this day).
        patient: { ...request.patient, firstName: 'Élodie', lastName: 'Fontaine' },
      });
      expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
      await page.getByRole('link', { name: 'Rendez-vous' }).click();
      await page.goto(`${site.url}/admin/#/bookings?date=${slot!.start.slice(0, 10)}&span=day`);
      await page.getByRole('heading', { name: 'Rendez-vous', exact: true }).waitFor();
      const row = page.getByRole('row', { name: /Fontaine, Élodie/ });
      await row.getByRole('cell', { name: 'réservé provisoirement' }).waitFor();
      await row.getByRole('cell', { name: 'Contrôle' }).waitFor();
      await page.getByRole('columnheader', { name: 'Statut' }).first().waitFor();
      expect(await seriousAxeViolations(page), 'axe on the French bookings').to.deep.equal([]);

      await page.getByRole('link', { name: 'Catalogue' }).click();
      await page.getByRole('heading', { name: 'Groupes de rendez-vous' }).waitFor();
      await page.getByRole('heading', { name: 'Salles, appareils et agendas' }).waitFor();
      expect(await seriousAxeViolations(page), 'axe on the French catalogue').to.deep.equal([]);
      expect(problems).to.deep.equal([]);
    });

    it('when an admin adds an absence in the console, then its day leaves the booking site', async () => {
      const slots = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-keller' });
      const day = slots.at(-1)!.start.slice(0, 10);
      const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
      const offeredThatDay = async () =>
        (await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-keller' })).filter((s) =>
          s.start.startsWith(day),
        ).length;
      expect(await offeredThatDay()).to.be.above(0);

      const page = await tabletPage();
      await signIn(page, email, password);
      await page.getByRole('heading', { name: 'Einstellungen der Praxis' }).waitFor();
      await page.getByRole('link', { name: 'Angebot' }).click();
      await page.getByRole('heading', { name: 'Abwesenheiten und Schliessungen' }).waitFor();
      expect(await seriousAxeViolations(page), 'axe on the catalogue').to.deep.equal([]);
      const keller = (await getJson(`${stack.gatewayUrl}/api/v1/catalogue`)).body.practitioners as {
        id: string;
        displayName: string;
      }[];
      await page
        .getByLabel('Wer', { exact: true })
        .selectOption({ label: keller.find((p) => p.id === 'dr-keller')!.displayName });
      await page.getByLabel('Von', { exact: true }).fill(`${day}T00:00`);
      await page.getByLabel('Bis', { exact: true }).fill(`${nextDay}T00:00`);
      await page.getByLabel('Notiz (freiwillig)').fill('Kongress');
      await page.getByRole('button', { name: 'Abwesenheit eintragen' }).click();
      await page.getByRole('cell', { name: 'Kongress' }).waitFor();
      await waitFor(async () => ((await offeredThatDay()) === 0 ? true : undefined), {
        timeoutMs: 10000,
        what: 'the absent day to leave the booking site',
      });
    });

    it('when the practice system refused a booking event, then an admin sees it under stopped work and retries it', async () => {
      const slots = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
      const booking = await aConfirmedBooking(slots[5]!);
      const confirmedJobStatus = async () =>
        (
          await pool.query<{ status: string }>(
            `SELECT status FROM pixelmedics_sync.sync_jobs WHERE booking_id = $1 AND event_type = 'booking.confirmed'`,
            [booking.bookingId],
          )
        ).rows[0]?.status;
      await waitFor(async () => ((await confirmedJobStatus()) === 'done' ? true : undefined), {
        timeoutMs: 20000,
        what: 'the confirmation applied in the practice calendar',
      });
      // The state the worker leaves a refused event in (ADR 40): parked for staff with the refusal.
      await pool.query(
        `UPDATE pixelmedics_sync.sync_jobs SET status = 'failed', attempts = 1, last_error = '422 unknown practitioner',
                last_error_code = 'PRACTICE_SYSTEM_REFUSED'
          WHERE booking_id = $1 AND event_type = 'booking.confirmed'`,
        [booking.bookingId],
      );

      const page = await tabletPage();
      await signIn(page, email, password);
      await page.getByRole('heading', { name: 'Einstellungen der Praxis' }).waitFor();
      // The booking's detail says where it stands in the practice system.
      const syncState = page.getByRole('definition').filter({ hasText: /Praxissystem/ });
      await page.goto(`${site.url}/admin/#/booking/${booking.bookingId}`);
      await page.getByRole('term').filter({ hasText: 'Praxissystem' }).waitFor();
      expect(await syncState.textContent()).to.equal(
        'Gestoppt: das Praxissystem hat es abgelehnt. Unter „Störungen“ lässt es sich erneut versuchen (Administration), sobald die Ursache behoben ist.',
      );
      await page.getByRole('link', { name: 'Störungen' }).click();
      await page.getByRole('heading', { name: /^Störungen/ }).waitFor();
      await page.getByRole('cell', { name: '422 unknown practitioner' }).waitFor();
      expect(await seriousAxeViolations(page), 'axe on stopped work').to.deep.equal([]);
      await page
        .getByRole('button', { name: `Erneut versuchen: booking.confirmed ${booking.bookingId.slice(0, 8)}` })
        .click();
      await page.getByRole('status').filter({ hasText: '1 wieder in die Warteschlange gestellt.' }).waitFor();
      await waitFor(async () => ((await confirmedJobStatus()) === 'done' ? true : undefined), {
        timeoutMs: 20000,
        what: 'the retried confirmation applied again',
      });
      expect(await page.getByRole('cell', { name: '422 unknown practitioner' }).count()).to.equal(0);
      await page.goto(`${site.url}/admin/#/booking/${booking.bookingId}`);
      await page.getByRole('term').filter({ hasText: 'Praxissystem' }).waitFor();
      expect(await syncState.textContent()).to.match(/^Im Praxissystem \(zuletzt übertragen .+\)\.$/);
    });

    it('when staff cancel a booking in the console, then the patient gets the message, the slot is offered again and the audit log names who did what', async () => {
      const slots = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
      const slot = slots[3]!;
      const booking = await aConfirmedBooking(slot);
      const isOffered = async () =>
        (await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' })).some(
          (s) => s.start === slot.start,
        );
      await waitFor(async () => ((await isOffered()) ? undefined : true), {
        timeoutMs: 10000,
        what: 'the booked slot to leave the booking site',
      });
      const receptionist = 'empfang-konto@practice.test';
      const secret = await createStaffAccount(stack, receptionist, 'staff');

      const page = await tabletPage();
      await signIn(page, receptionist, secret);
      await page.getByRole('heading', { name: 'Termine', exact: true }).waitFor();
      await page.goto(`${site.url}/admin/#/booking/${booking.bookingId}`);
      await page.getByLabel(/^Grund der Absage/).fill('Praxis geschlossen');
      await page.getByRole('button', { name: 'Termin absagen' }).click();
      await page.getByRole('status').filter({ hasText: 'Abgesagt' }).waitFor();

      const message = await waitFor(
        async () => mailsTo(booking.patientEmail).find((m) => /abgesagt/.test(m.subject ?? '')),
        { timeoutMs: 20000, what: 'the cancellation message to the patient' },
      );
      expect(message.text).to.include('Praxis geschlossen');
      await waitFor(async () => ((await isOffered()) ? true : undefined), {
        timeoutMs: 10000,
        what: 'the slot to be offered again',
      });

      // The audit log: each action of this suite with the acting user.
      const admin = await tabletPage();
      await signIn(admin, email, password);
      await admin.getByRole('heading', { name: 'Einstellungen der Praxis' }).waitFor();
      await admin.getByRole('link', { name: 'Protokoll' }).click();
      await admin.getByRole('heading', { name: 'Protokoll' }).waitFor();
      const rowOf = (action: string, who: string) =>
        admin
          .getByRole('row')
          .filter({ has: admin.getByRole('cell', { name: action, exact: true }) })
          .filter({
            has: admin.getByRole('cell', { name: who, exact: true }),
          });
      for (const [action, who] of [
        ['settings.update', email],
        ['catalogue.addAbsence', email],
        ['booking.read', receptionist],
        ['booking.cancel', receptionist],
        ['session.create', 'totp-admin@practice.test'],
        ['sync-jobs.retry', email],
      ]) {
        expect(await rowOf(action!, who!).count(), `${action} by ${who}`).to.be.above(0);
      }
      expect(problems).to.deep.equal([]);
    });

    it('when the practice system is master of the catalogue, then the console shows its parts read-only and says so', async () => {
      const api = new AdminClient(stack.gatewayUrl, '203.0.113.9');
      expect((await api.signIn(email, password)).status).to.equal(200);
      const catalogue = (await api.request('GET', '/catalogue')).body as unknown as KeptCatalogue;
      await importCatalogueFromPracticeSystem(stack.env.AMQP_URL!, catalogue);
      await waitFor(
        async () => ((await api.request('GET', '/catalogue')).body.managedByPracticeSystem === true ? true : undefined),
        { timeoutMs: 20000, intervalMs: 200, what: 'the catalogue marked as the practice system’s' },
      );

      const page = await tabletPage();
      await signIn(page, email, password);
      await page.getByRole('heading', { name: 'Einstellungen der Praxis' }).waitFor();
      await page.getByRole('link', { name: 'Angebot' }).click();
      await page.getByText(/^Das Praxissystem führt die Behandelnden/).waitFor();
      expect(await page.getByText('Neue Terminart').count()).to.equal(0);
      expect(await page.getByText('Neue Behandelnde').count()).to.equal(0);
      const muster = catalogue.practitioners.find((p) => p.id === 'dr-muster')!;
      await page.locator('summary', { hasText: muster.displayName }).first().click();
      const name = page.locator('input[name="p-dr-muster-name"]');
      expect(await name.getAttribute('readonly')).to.not.equal(null);
      // Resources and the practitioners' links to them are the practice system's; groups stay the console's.
      expect(await page.locator('input[name="p-dr-muster-resource-room-1"]').isDisabled()).to.equal(true);
      expect(await page.locator('input[name="r-room-1-name"]').getAttribute('readonly')).to.not.equal(null);
      expect(await page.getByText('Neue Ressource').count()).to.equal(0);
      await page.getByText('Neue Termingruppe').waitFor();
      expect(await page.locator('input[name="g-checkups-name-fr"]').getAttribute('readonly')).to.equal(null);
      expect(await seriousAxeViolations(page), 'axe on the read-only catalogue').to.deep.equal([]);
      expect(problems).to.deep.equal([]);
    });
  });
});
