import { createPool } from '@otk/db';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { seedDemoPracticeSettings } from '../../services/notification/scripts/demo-practice-settings.seed.js';
import { type SiteServer, startSiteServer } from '../../scripts/dev/site-server.js';
import { buildSiteIfStale, distDir } from './browser.js';
import { startDemoStack } from './demo-stack.js';
import type { Stack } from './stack.js';

/**
 * The built booking site (rebuilt when its sources changed) in front of the demo stack, whose
 * messages link to this site. `env` goes to every service (an SMS provider, say).
 */
export async function startSiteAndStack(env: Record<string, string> = {}): Promise<{ site: SiteServer; stack: Stack }> {
  buildSiteIfStale();
  let gatewayUrl = 'http://127.0.0.1:9';
  const site = await startSiteServer({ root: distDir, gatewayUrl: () => gatewayUrl });
  let stack: Stack | undefined;
  try {
    // Each test books the first time of a day: the gateway must not serve a list from before the
    // previous test's booking (its short answer cache is measured in the benchmark, not here).
    stack = await startDemoStack({ env: { AVAILABILITY_CACHE_TTL_MS: '0', ...env } });
    gatewayUrl = stack.gatewayUrl;
    const pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    try {
      await seedDemoPracticeSettings(pool);
      await pool.query('UPDATE notification.practice_settings SET site_url = $1', [site.url]);
    } finally {
      await pool.end();
    }
    return { site, stack };
  } catch (error) {
    await stack?.stop();
    await site.close();
    throw error;
  }
}

/** The fake patient the browser tests book for, field by field of the patient form (plus an e-mail address). */
export const testPatient = { firstName: 'Anna', lastName: 'Beispiel', birthDate: '1985-04-12' };
export const testPhone = '079 123 45 67';

/** The first e-mail the stack's SMTP server received for `address` whose text matches `pattern`. */
export const mailTo = (stack: Stack, address: string, pattern: RegExp) =>
  waitFor(
    () =>
      stack.smtp.messages.find(
        (m) => JSON.stringify(m.to ?? '').includes(address) && pattern.test(String(m.text ?? '')),
      ),
    { timeoutMs: 30000, what: `an e-mail to ${address} matching ${pattern}` },
  );

/** A link of a message, by the page it leads to: a booking's, or one of the waiting list's (ADR 26). */
export type LinkPath = 'confirm' | 'manage' | 'waitlist/confirm' | 'waitlist/leave' | 'waitlist/offer';

/** The link to `path` in an e-mail's text, with its query (token, language); it must lead to the booking site at `siteUrl`. */
export function linkIn(text: string, path: LinkPath, siteUrl: string): string {
  // The host and port, then exactly the path: a waiting-list link is not taken for a booking's.
  const link = new RegExp(`https?://[^\\s<>"/]+/${path}\\?token=[^\\s<>"]+`).exec(text)?.[0];
  expect(link, `a ${path} link`).to.be.a('string');
  expect(link!.startsWith(siteUrl), 'the link leads to the booking site').to.equal(true);
  return link!;
}
