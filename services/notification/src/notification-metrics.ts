import { channelSchema } from '@otk/contracts';
import { lagBuckets } from '@otk/telemetry';
import { Counter, Histogram, type Registry } from 'prom-client';
import { audiences, messageKinds } from './domain/notice.js';

type Labels = 'channel' | 'kind' | 'audience';

export interface NotificationMetrics {
  sent: Counter<Labels>;
  failed: Counter<Labels | 'permanent'>;
  handoff: Histogram<'channel' | 'kind'>;
}

/**
 * Labels are closed sets (channel, kind, audience), never a recipient, name or token. The counters
 * start at 0 for every combination of them, so a first failure is a rise that `rate()` sees, and a
 * query on a kind or channel that has not counted yet answers 0 rather than nothing.
 */
export function notificationMetrics(registry: Registry): NotificationMetrics {
  const metrics = {
    sent: new Counter({
      name: 'notifications_sent_total',
      help: 'Messages handed to the mail server or SMS provider, by channel, kind and audience',
      labelNames: ['channel', 'kind', 'audience'] as const,
      registers: [registry],
    }),
    failed: new Counter({
      name: 'notifications_failed_total',
      help: 'Failed send attempts by channel, kind and audience; permanent="true" ones are not retried',
      labelNames: ['channel', 'kind', 'audience', 'permanent'] as const,
      registers: [registry],
    }),
    handoff: new Histogram({
      name: 'notification_handoff_seconds',
      help: 'Time from the booking event (for a reminder: its due time) until its message is accepted by the mail server or SMS provider, by channel and kind',
      labelNames: ['channel', 'kind'] as const,
      buckets: lagBuckets,
      registers: [registry],
    }),
  };
  for (const channel of channelSchema.options)
    for (const kind of messageKinds)
      for (const audience of audiences) {
        metrics.sent.inc({ channel, kind, audience }, 0);
        for (const permanent of ['true', 'false']) metrics.failed.inc({ channel, kind, audience, permanent }, 0);
      }
  return metrics;
}

export interface ReminderMetrics {
  sent: Counter<'channel'>;
  skipped: Counter<'reason'>;
}

/** `reason` is a closed set (see `ReminderSkip`); never a booking, patient or address. */
export function reminderMetrics(registry: Registry): ReminderMetrics {
  return {
    sent: new Counter({
      name: 'reminders_sent_total',
      help: 'Appointment reminders handed to the mail server or SMS provider, by channel',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
    skipped: new Counter({
      name: 'reminders_skipped_total',
      help: 'Appointment reminders not sent, by reason (appointment-began, opted-out, not-confirmed, moved, …)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}

export interface WebhookMetrics {
  attempts: Counter<'outcome'>;
  endpointsDisabled: Counter;
}

/** `outcome` is delivered, failed (to be tried again) or given-up; never an endpoint's URL. */
export function webhookMetrics(registry: Registry): WebhookMetrics {
  return {
    attempts: new Counter({
      name: 'webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: delivered, failed (tried again later) or given-up',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    endpointsDisabled: new Counter({
      name: 'webhook_endpoints_disabled_total',
      help: 'Webhook endpoints disabled after failing repeatedly',
      registers: [registry],
    }),
  };
}
