import { createLogger } from '@otk/telemetry';
import { Registry } from 'prom-client';
import { DeliveryError } from '../../src/domain/delivery-error.js';
import type { NotifyDeps } from '../../src/domain/notify-booking-event.use-case.js';
import type { OutgoingEmail } from '../../src/domain/outgoing-email.js';
import type {
  CalendarSequences,
  Claim,
  Mailer,
  MessageKey,
  MessageLog,
  OutgoingSms,
  SmsGateway,
} from '../../src/domain/ports.js';
import type { PracticeSettings } from '../../src/domain/practice-settings.js';
import { notificationMetrics } from '../../src/notification-metrics.js';
import { aPracticeSettings } from '../practice-settings.factory.js';

/**
 * The ports of the notification domain in memory, for unit tests of the use cases without
 * PostgreSQL, SMTP or an SMS provider. They keep the contracts of the real ones (the message
 * log's claims, the calendar sequence per booking) as the integration tests prove them on SQL.
 */

export interface LoggedMessage {
  status: 'sending' | 'sent' | 'failed' | 'rejected';
  attempts: number;
  providerMessageId?: string | undefined;
  lastError?: string;
}

/** The message log of `message-log.repository.ts`, in a map; a `sending` row is always within its lease. */
export class InMemoryMessageLog implements MessageLog {
  readonly rows = new Map<string, LoggedMessage>();

  static keyOf(key: MessageKey): string {
    return `${key.eventId}|${key.recipient}|${key.kind}`;
  }

  async claim(key: MessageKey): Promise<Claim> {
    const row = this.rows.get(InMemoryMessageLog.keyOf(key));
    if (!row) {
      this.rows.set(InMemoryMessageLog.keyOf(key), { status: 'sending', attempts: 1 });
      return 'claimed';
    }
    if (row.status === 'failed') {
      row.status = 'sending';
      row.attempts += 1;
      return 'claimed';
    }
    return row.status === 'sending' ? 'busy' : 'done';
  }

  async markSent(key: MessageKey, providerMessageId: string | undefined): Promise<void> {
    const row = this.rows.get(InMemoryMessageLog.keyOf(key));
    if (row) Object.assign(row, { status: 'sent', providerMessageId });
  }

  async markFailed(key: MessageKey, error: string, permanent: boolean): Promise<void> {
    const row = this.rows.get(InMemoryMessageLog.keyOf(key));
    if (row) Object.assign(row, { status: permanent ? 'rejected' : 'failed', lastError: error });
  }

  /** The rows of one event, by recipient. */
  of(eventId: string): Record<string, LoggedMessage> {
    return Object.fromEntries(
      [...this.rows].filter(([key]) => key.startsWith(`${eventId}|`)).map(([key, row]) => [key.split('|')[1], row]),
    );
  }
}

/** 0 for a booking's first event, one more for each later one, the same again for a known event. */
export class InMemoryCalendarSequences implements CalendarSequences {
  private readonly byEvent = new Map<string, number>();
  private readonly next = new Map<string, number>();

  async sequenceFor(bookingId: string, eventId: string): Promise<number> {
    const known = this.byEvent.get(eventId);
    if (known !== undefined) return known;
    const sequence = this.next.get(bookingId) ?? 0;
    this.next.set(bookingId, sequence + 1);
    this.byEvent.set(eventId, sequence);
    return sequence;
  }
}

/** A failure to answer for a recipient, or undefined to accept the message. */
type Refusal = (recipient: string) => Error | undefined;

export class RecordingMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  refuse: Refusal = () => undefined;

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const refusal = this.refuse(email.to);
    if (refusal) throw refusal;
    this.sent.push(email);
    return { messageId: `smtp-${this.sent.length}` };
  }

  close(): void {}

  to(address: string): OutgoingEmail[] {
    return this.sent.filter((email) => email.to === address);
  }
}

export class RecordingSmsGateway implements SmsGateway {
  readonly provider = 'test';
  readonly sent: OutgoingSms[] = [];
  refuse: Refusal = () => undefined;

  async send(sms: OutgoingSms): Promise<{ messageId: string | undefined }> {
    const refusal = this.refuse(sms.to);
    if (refusal) throw refusal;
    this.sent.push(sms);
    return { messageId: `sms-${this.sent.length}` };
  }
}

/** A mail server that refuses a recipient for good (5xx) or for now (4xx, down). */
export const permanently = (message = 'SMTP EENVELOPE 550') => new DeliveryError(message, true, 'unknown mailbox');
export const temporarily = (message = 'SMTP ESOCKET') => new DeliveryError(message, false, 'connection refused');

export interface InMemoryNotification {
  deps: NotifyDeps;
  settings: PracticeSettings;
  messageLog: InMemoryMessageLog;
  calendarSequences: InMemoryCalendarSequences;
  mailer: RecordingMailer;
  sms: RecordingSmsGateway;
  registry: Registry;
  /** The value of a counter series, 0 when absent. */
  counter(name: string, labels: Record<string, string>): Promise<number>;
}

/** Everything `notifyBookingEvent` needs, in memory; `sms: false` configures no SMS provider. */
export function inMemoryNotification(
  options: { settings?: Partial<PracticeSettings>; sms?: boolean } = {},
): InMemoryNotification {
  const settings = aPracticeSettings(options.settings);
  const messageLog = new InMemoryMessageLog();
  const calendarSequences = new InMemoryCalendarSequences();
  const mailer = new RecordingMailer();
  const sms = new RecordingSmsGateway();
  const registry = new Registry();
  return {
    settings,
    messageLog,
    calendarSequences,
    mailer,
    sms,
    registry,
    deps: {
      settings: { load: async () => settings },
      messageLog,
      calendarSequences,
      mailer,
      sms: options.sms === false ? undefined : sms,
      metrics: notificationMetrics(registry),
      logger: createLogger('test', 'silent'),
    },
    async counter(name, labels) {
      const metric = registry.getSingleMetric(name);
      if (!metric) return 0;
      const { values } = await metric.get();
      const series = values.filter((value) =>
        Object.entries(labels).every(([key, label]) => value.labels[key] === label),
      );
      return series.reduce((sum, value) => sum + value.value, 0);
    },
  };
}
