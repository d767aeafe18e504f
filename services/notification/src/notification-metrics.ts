import { lagBuckets } from '@otk/telemetry';
import { Counter, Histogram, type Registry } from 'prom-client';

type Labels = 'channel' | 'kind' | 'audience';

export interface NotificationMetrics {
  sent: Counter<Labels>;
  failed: Counter<Labels | 'permanent'>;
  handoff: Histogram<'channel' | 'kind'>;
}

/** Labels are closed sets (channel, kind, audience), never a recipient, name or token. */
export function notificationMetrics(registry: Registry): NotificationMetrics {
  return {
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
      help: 'Time from the booking event until its message is accepted by the mail server or SMS provider, by channel and kind',
      labelNames: ['channel', 'kind'] as const,
      buckets: lagBuckets,
      registers: [registry],
    }),
  };
}
