import { createHash } from 'node:crypto';
import type { Logger } from '@otk/telemetry';
import { renderHtml, renderText } from '../messages/email-layout.js';
import { formatInstant } from '../messages/local-time.js';
import { fill, translations } from '../messages/translations.js';
import type { OutgoingEmail } from '../outgoing-email.js';
import type { PracticeSettings } from '../practice-settings.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';
import type { StaffMail, WebhookEndpoints } from './webhook-ports.js';

export interface NotifyDisabledDeps extends StaffMail {
  endpoints: Pick<WebhookEndpoints, 'disabledNoticesPending' | 'disabledNoticeSent'>;
  logger: Logger;
}

/**
 * Tells the practice's staff addresses about each endpoint the sender disabled, in the practice's
 * language. The notice stays owed until every address took it: a failed send is tried again on
 * the next run (a staff member may then get it twice, with the same Message-ID).
 */
export async function notifyDisabledWebhooks(deps: NotifyDisabledDeps): Promise<void> {
  const pending = await deps.endpoints.disabledNoticesPending();
  if (pending.length === 0) return;
  const settings = await deps.settings.load();
  for (const endpoint of pending) {
    const logger = deps.logger.child({ webhookEndpointId: endpoint.id });
    const addresses = [...new Set(settings.staffAddresses.map((a) => a.trim().toLowerCase()).filter(Boolean))];
    if (addresses.length === 0) logger.warn('webhook endpoint disabled, but the practice has no staff address to tell');
    for (const address of addresses) await deps.mailer.send(webhookDisabledEmail(endpoint, address, settings));
    await deps.endpoints.disabledNoticeSent(endpoint.id);
    logger.info({ recipients: addresses.length }, 'staff told that a webhook endpoint was disabled');
  }
}

export function webhookDisabledEmail(endpoint: WebhookEndpoint, to: string, settings: PracticeSettings): OutgoingEmail {
  const language = settings.defaultLanguage;
  const t = translations[language];
  const values = {
    url: displayUrl(endpoint.url),
    since: formatInstant((endpoint.failingSince ?? new Date()).toISOString(), 'UTC', t.locale),
    failures: String(endpoint.consecutiveFailures),
    endpointId: endpoint.id,
  };
  const content = {
    language,
    subject: fill(t.webhookDisabled.subject, values),
    greeting: `${t.webhookDisabled.greeting},`,
    paragraphs: [fill(t.webhookDisabled.intro, values), fill(t.webhookDisabled.action, values)],
    details: [],
    notes: [],
    signature: [settings.senderName],
    footer: [settings.practiceName],
  };
  const recipient = createHash('sha256').update(to).digest('hex').slice(0, 16);
  const domain = settings.senderAddress.split('@').at(-1) || 'localhost';
  return {
    messageId: `<webhook-disabled.${endpoint.id}.${endpoint.failingSince?.getTime() ?? 0}.${recipient}@${domain}>`,
    from: { name: settings.senderName, address: settings.senderAddress },
    to,
    subject: content.subject,
    text: renderText(content),
    html: renderHtml(content),
    dkim: settings.dkim,
  };
}

/** Scheme, host and path: a key in the query string stays out of the e-mail. */
function displayUrl(url: string): string {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
}
