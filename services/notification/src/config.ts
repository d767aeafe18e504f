import { env, z } from '@otk/config';
import { baseServiceEnv } from '@otk/runtime';

const retryDelays = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be milliseconds separated by commas, e.g. 5000,30000,120000')
  .transform((value) => value.split(',').map(Number))
  .refine((delays) => delays.every((ms) => ms > 0), 'every delay must be above 0');

export const configSchema = z
  .object({
    ...baseServiceEnv,
    PORT: env.port(8083),
    MANAGEMENT_PORT: env.port(9083),
    /** The SMTP server that delivers e-mail, e.g. smtp://user:pass@mail.example.ch:587 or smtps://… */
    SMTP_URL: env.url(['smtp', 'smtps']),
    /** PEM private key for DKIM; signing happens when the practice settings name a domain and selector. */
    DKIM_PRIVATE_KEY: z.string().min(1).optional(),
    /** Which SMS adapter sends SMS (N5): none, twilio, or http (the generic JSON adapter). */
    SMS_PROVIDER: z.enum(['none', 'twilio', 'http']).default('none'),
    /** Twilio: API base URL (default https://api.twilio.com). http: the full URL to POST to. */
    SMS_API_URL: env.url(['http', 'https']).optional(),
    /** Twilio: the account SID. */
    SMS_ACCOUNT_ID: z.string().min(1).optional(),
    /** Twilio: the auth token. http: the bearer token. A secret, so no default. */
    SMS_API_KEY: z.string().min(1).optional(),
    /** Deliveries of an event before it is parked in notification.events.dlq. */
    NOTIFICATION_MAX_ATTEMPTS: env.positiveInt(10),
    /** Waits between attempts; the last one repeats. The default rides out an hour-long mail outage. */
    NOTIFICATION_RETRY_DELAYS_MS: retryDelays.default([5000, 30000, 120000, 600000]),
    /** How often the webhook sender looks for due deliveries (ADR 34). */
    WEBHOOK_POLL_INTERVAL_MS: env.positiveInt(1000),
    /** Deliveries sent at the same time by one process. */
    WEBHOOK_CONCURRENCY: env.positiveInt(4),
    /** How long an endpoint has to answer. */
    WEBHOOK_TIMEOUT_MS: env.positiveInt(10_000),
    /** Waits after each failed attempt; the last one repeats. Default: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h. */
    WEBHOOK_RETRY_DELAYS_MS: retryDelays.default([5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000]),
    /** Attempts of one delivery before it is given up (default: 8, over about 28 hours). */
    WEBHOOK_MAX_ATTEMPTS: env.positiveInt(8),
    /** An endpoint is disabled after this many failed attempts in a row … */
    WEBHOOK_DISABLE_AFTER_FAILURES: env.positiveInt(10),
    /** … spanning at least this long (default 24 h), so a short outage never disables it. */
    WEBHOOK_DISABLE_AFTER_MS: env.positiveInt(86_400_000),
    /** How often the reminder sender looks for due reminders (ADR 35). */
    REMINDER_POLL_INTERVAL_MS: env.positiveInt(15_000),
    /** How long hold-manager has to answer for a reminder's manage link. */
    REMINDER_LINK_TIMEOUT_MS: env.positiveInt(5000),
    /** How often the message log is trimmed (ADR 71). */
    RETENTION_INTERVAL_MS: env.positiveInt(3600_000),
    /** How long a message's log row (recipient, provider id, error) is kept. */
    RETENTION_MESSAGE_LOG_DAYS: env.positiveInt(90),
  })
  .superRefine((config, ctx) => {
    const need = (variable: 'SMS_API_URL' | 'SMS_ACCOUNT_ID' | 'SMS_API_KEY') => {
      if (!config[variable])
        ctx.addIssue({
          code: 'custom',
          path: [variable],
          message: `required when SMS_PROVIDER=${config.SMS_PROVIDER}`,
        });
    };
    if (config.SMS_PROVIDER === 'twilio') {
      need('SMS_ACCOUNT_ID');
      need('SMS_API_KEY');
    }
    if (config.SMS_PROVIDER === 'http') {
      need('SMS_API_URL');
      need('SMS_API_KEY');
    }
  });

export type Config = z.infer<typeof configSchema>;
