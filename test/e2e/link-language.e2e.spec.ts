import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Language } from '@otk/contracts';
import { createPool } from '@otk/db';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { SiteServer } from '../../scripts/dev/site-server.js';
import {
  type SmsProviderServer,
  startSmsProviderServer,
} from '../../services/notification/test/support/sms-provider-server.js';
import deTexts from '../../site/src/i18n/de.json' with { type: 'json' };
import enTexts from '../../site/src/i18n/en.json' with { type: 'json' };
import frTexts from '../../site/src/i18n/fr.json' with { type: 'json' };
import itTexts from '../../site/src/i18n/it.json' with { type: 'json' };
import { launchChromium } from '../support/browser.js';
import { linkIn, mailTo, startSiteAndStack } from '../support/booking-site.js';
import { type OfferedSlot, aHoldRequest, offeredSlots, postJson } from '../support/factories.js';
import type { Stack } from '../support/stack.js';

/** The site's own texts: what each page must show in each language. */
const siteTexts = { de: deTexts, fr: frTexts, it: itTexts, en: enTexts };
const languages: Language[] = ['de', 'fr', 'it', 'en'];
// The demo practice's staff copies go here, in its default language.
const staffAddress = 'empfang@demo-praxis.localhost';
const practiceLanguage: Language = 'de';

const root = fileURLToPath(new URL('../..', import.meta.url));
const artifacts = join(root, 'test-artifacts', 'link-language');

/**
 * The device that opens the link speaks another language than the message, and has never seen
 * the site (no stored choice): only the link can make the page speak the patient's language.
 */
const otherDeviceLocale = (language: Language) => (language === 'de' ? 'en-GB' : 'de-CH');

describe('links in e-mails and SMS carry the patient’s language: opened on another device, the page speaks it', function () {
  this.timeout(300000);
  let stack: Stack;
  let site: SiteServer;
  let browser: Browser;
  let sms: SmsProviderServer;
  let slots: OfferedSlot[];

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    sms = await startSmsProviderServer('http');
    [{ site, stack }, browser] = await Promise.all([
      startSiteAndStack({ SMS_PROVIDER: 'http', SMS_API_URL: sms.url, SMS_API_KEY: 'test-sms-key' }),
      launchChromium(),
    ]);
    const pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    try {
      await pool.query('UPDATE notification.practice_settings SET sms_enabled = true');
    } finally {
      await pool.end();
    }
    // Far enough ahead to be cancellable online (the demo's cancellation deadline is 24 h).
    slots = (await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' })).filter(
      (slot) => Date.parse(slot.start) > Date.now() + 3 * 86400_000,
    );
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await stack?.stop();
    await sms?.stop();
  });

  /** Every address of the booking site in a message; `&` may be written `&#38;` in HTML. */
  function siteLinksIn(text: string): URL[] {
    const pattern = new RegExp(`${site.url.replace(/[.]/g, '\\.')}[^\\s<>"]*`, 'g');
    return [...text.replace(/&#38;/g, '&').matchAll(pattern)].map((match) => new URL(match[0]));
  }

  function expectLinksIn(text: string, language: Language, what: string): URL[] {
    const links = siteLinksIn(text);
    expect(links, `links to the site in ${what}`).to.have.length.greaterThan(0);
    for (const link of links) expect(link.searchParams.get('lang'), `${what}: ${link.href}`).to.equal(language);
    return links;
  }

  /** Opens a link as a fresh device would and waits for the page's heading. */
  async function openOnAnotherDevice(link: string, language: Language, heading: string, shot: string): Promise<void> {
    const locale = otherDeviceLocale(language);
    const context = await browser.newContext({
      locale,
      timezoneId: 'America/New_York',
      viewport: { width: 390, height: 844 },
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(link);
      await page.locator('h1', { hasText: heading }).waitFor({ timeout: 20000 });
      expect(await page.getAttribute('html', 'lang'), `${link} on a ${locale} device`).to.equal(language);
      expect(await page.inputValue('#language'), 'the language switch shows it').to.equal(language);
      await page.screenshot({ path: join(artifacts, `${language}-${shot}.png`) });
      expect(problems, `errors in the page ${shot}`).to.deep.equal([]);
    } finally {
      await context.close();
    }
  }

  /** Staff copies (in the practice's language) that link to the site: those of cancellations. */
  const staffCopiesLinkingToSite = () =>
    stack.smtp.messages.filter(
      (m) => JSON.stringify(m.to ?? '').includes(staffAddress) && siteLinksIn(String(m.text ?? '')).length > 0,
    );

  const nextSlot = () => {
    const slot = slots.shift();
    if (!slot) throw new Error('the demo practice offers too few slots');
    return slot;
  };

  /** The texts of the SMS the provider received for `phone`, once there are `count`. */
  const smsTo = (phone: string, count: number) =>
    waitFor(
      () => {
        const texts = sms.requests
          .map((r) => JSON.parse(r.body) as { to: string; text: string })
          .filter((m) => m.to === phone)
          .map((m) => m.text);
        return texts.length >= count ? texts : undefined;
      },
      { timeoutMs: 30000, what: `${count} SMS to the patient` },
    );

  for (const language of languages) {
    const t = siteTexts[language];

    it(`when a patient books in ${language} by e-mail, then every link of every e-mail names ${language} and opens the confirm, manage and booking pages in ${language}`, async () => {
      const request = aHoldRequest(nextSlot(), { language });
      const email = request.patient.email;
      const held = await postJson(`${stack.gatewayUrl}/api/v1/holds`, request);
      expect(held.status, JSON.stringify(held.body)).to.equal(201);

      const provisional = await mailTo(stack, email, /\/confirm\?token=/);
      expectLinksIn(String(provisional.text), language, 'the request’s text');
      expectLinksIn(String(provisional.html), language, 'the request’s HTML');
      await openOnAnotherDevice(
        linkIn(String(provisional.text), 'confirm', site.url),
        language,
        t['confirm.done'],
        'confirm',
      );

      const confirmation = await mailTo(stack, email, /\/manage\?token=/);
      expectLinksIn(String(confirmation.text), language, 'the confirmation’s text');
      expectLinksIn(String(confirmation.html), language, 'the confirmation’s HTML');
      const manage = linkIn(String(confirmation.text), 'manage', site.url);
      await openOnAnotherDevice(manage, language, t['manage.heading'], 'manage');

      const copiesBefore = staffCopiesLinkingToSite().length;
      const cancelled = await postJson(`${stack.gatewayUrl}/api/v1/bookings/cancel`, {
        token: new URL(manage).searchParams.get('token'),
      });
      expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
      const cancellation = await mailTo(stack, email, /\/\?lang=/);
      expectLinksIn(String(cancellation.html), language, 'the cancellation’s HTML');
      const [home] = expectLinksIn(String(cancellation.text), language, 'the cancellation’s text');
      expect(home!.pathname).to.equal('/');
      await openOnAnotherDevice(home!.href, language, t['visitKind.heading'], 'book-again');

      // The practice's copy of the cancellation links to the site in the copy's language, the practice's.
      const copies = await waitFor(
        () => {
          const all = staffCopiesLinkingToSite();
          return all.length > copiesBefore ? all.slice(copiesBefore) : undefined;
        },
        { timeoutMs: 30000, what: 'the staff copy of the cancellation' },
      );
      for (const copy of copies) expectLinksIn(String(copy.text), practiceLanguage, 'the staff copy');
    });

    it(`when a patient books in ${language} by SMS, then each SMS link names ${language} and opens the confirm and manage pages in ${language}`, async () => {
      const phone = `+4179${String(randomBytes(3).readUIntBE(0, 3) % 10_000_000).padStart(7, '0')}`;
      const request = aHoldRequest(nextSlot(), { language, channel: 'sms' });
      request.patient.phone = phone;
      const held = await postJson(`${stack.gatewayUrl}/api/v1/holds`, request);
      expect(held.status, JSON.stringify(held.body)).to.equal(201);

      const [provisional] = await smsTo(phone, 1);
      const [confirm] = expectLinksIn(provisional!, language, 'the request SMS');
      expect(confirm!.pathname).to.equal('/confirm');
      await openOnAnotherDevice(confirm!.href, language, t['confirm.done'], 'sms-confirm');

      const [, confirmation] = await smsTo(phone, 2);
      const [manage] = expectLinksIn(confirmation!, language, 'the confirmation SMS');
      expect(manage!.pathname).to.equal('/manage');
      await openOnAnotherDevice(manage!.href, language, t['manage.heading'], 'sms-manage');
    });
  }
});
