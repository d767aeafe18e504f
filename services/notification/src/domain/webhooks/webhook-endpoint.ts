import { randomBytes } from 'node:crypto';
import { AppError, type EventType, personalDataLevelSchema, webhookEventTypeSchema } from '@otk/contracts';

/**
 * The events an endpoint may subscribe to: the booking events a patient hears about, and a freed
 * slot offered to the waiting list. The list is in the contracts, as the console manages endpoints too.
 */
export const webhookEventTypes = webhookEventTypeSchema.options satisfies readonly EventType[];
export type WebhookEventType = (typeof webhookEventTypes)[number];

/**
 * How much about the patient an endpoint receives. `none`: ids and times only; `contact`: plus
 * name, e-mail and phone; `full`: plus birth date, gender and postal address.
 */
export const personalDataLevels = personalDataLevelSchema.options;
export type PersonalDataLevel = (typeof personalDataLevels)[number];

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  personalData: PersonalDataLevel;
  enabled: boolean;
  disabledReason: 'operator' | 'failing' | null;
  consecutiveFailures: number;
  failingSince: Date | null;
  /** When the previous secret stops signing; null when no rotation is under way. */
  previousSecretUntil: Date | null;
}

/** The secrets that sign a message now: the current one, and the previous one during its grace period. */
export interface SigningSecrets {
  current: string;
  previous: { secret: string; until: Date } | null;
}

/** A bad endpoint setting: VALIDATION_FAILED (400), naming the field. */
function invalid(field: 'url' | 'events' | 'personalData', message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { field });
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * An endpoint's URL: https, or plain http to this machine only (local development and tests; a
 * receiver elsewhere must not get personal data in clear). No user name or password in it: they
 * would be logged and shown in listings.
 */
export function parseEndpointUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url', 'the URL is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname)))
    throw invalid('url', 'the URL must use https (http only to 127.0.0.1 or localhost)');
  if (url.username || url.password) throw invalid('url', 'the URL must not contain a user name or password');
  if (url.hash) throw invalid('url', 'the URL must not contain a fragment');
  if (url.href.length > 2000) throw invalid('url', 'the URL is longer than 2000 characters');
  return url.href;
}

/** A comma-separated list of event types; `*` or empty means all of them. */
export function parseEventTypes(raw: string | undefined): WebhookEventType[] {
  if (raw === undefined || raw.trim() === '' || raw.trim() === '*') return [...webhookEventTypes];
  const types = [...new Set(raw.split(',').map((t) => t.trim()))];
  for (const type of types)
    if (!(webhookEventTypes as readonly string[]).includes(type))
      throw invalid('events', `unknown event type "${type.slice(0, 40)}": one of ${webhookEventTypes.join(', ')}`);
  return types as WebhookEventType[];
}

export function parsePersonalDataLevel(raw: string | undefined): PersonalDataLevel {
  if (raw === undefined) return 'none';
  if (!(personalDataLevels as readonly string[]).includes(raw))
    throw invalid('personalData', `personal-data level must be one of ${personalDataLevels.join(', ')}`);
  return raw as PersonalDataLevel;
}

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The secrets that sign at `now`: a previous secret past its grace period no longer does. */
export function activeSecrets(secrets: SigningSecrets, now: Date): string[] {
  const { current, previous } = secrets;
  return previous && previous.until > now ? [current, previous.secret] : [current];
}
