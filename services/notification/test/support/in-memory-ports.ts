import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, type BookingSnapshot, type BookingStatus, type CommandReply } from '@otk/contracts';
import { memoryLogger } from '@otk/test-kit';
import { createLogger } from '@otk/telemetry';
import { Registry } from 'prom-client';
import { DeliveryError } from '../../src/domain/delivery-error.js';
import type { MessageSettingsStore } from '../../src/domain/message-settings.use-case.js';
import type { Audience } from '../../src/domain/notice.js';
import type { NotifyDeps } from '../../src/domain/notify-booking-event.use-case.js';
import type { OutgoingEmail } from '../../src/domain/outgoing-email.js';
import type {
  CalendarSequences,
  Claim,
  Mailer,
  MessageKey,
  MessageLog,
  OutgoingSms,
  PracticeSettingsSource,
  SmsGateway,
} from '../../src/domain/ports.js';
import type { PracticeSettings } from '../../src/domain/practice-settings.js';
import type { PlannedReminder } from '../../src/domain/reminders/reminder-plan.js';
import type {
  DueReminder,
  ManageLinks,
  ReminderOutcome,
  ReminderStore,
} from '../../src/domain/reminders/reminder-ports.js';
import type { ScheduleRemindersDeps } from '../../src/domain/reminders/schedule-reminders.use-case.js';
import type { SendRemindersDeps } from '../../src/domain/reminders/send-due-reminders.use-case.js';
import type { DeliverWebhookDeps } from '../../src/domain/webhooks/deliver-webhooks.use-case.js';
import type { WebhookAdminDeps } from '../../src/domain/webhooks/manage-webhooks.use-case.js';
import type { NotifyDisabledDeps } from '../../src/domain/webhooks/notify-webhook-disabled.use-case.js';
import type { RecordWebhookDeps } from '../../src/domain/webhooks/record-webhook-event.use-case.js';
import type {
  PersonalDataLevel,
  WebhookEndpoint,
  WebhookEventType,
} from '../../src/domain/webhooks/webhook-endpoint.js';
import type {
  AttemptRecord,
  AttemptRecorder,
  DueDelivery,
  WebhookDeliveryQueue,
  WebhookEndpoints,
  WebhookSender,
} from '../../src/domain/webhooks/webhook-ports.js';
import type { AttemptOutcome, WebhookRetryPolicy } from '../../src/domain/webhooks/webhook-retry-policy.js';
import { notificationMetrics, reminderMetrics, webhookMetrics } from '../../src/notification-metrics.js';
import { aPracticeSettings } from '../practice-settings.factory.js';

/**
 * The ports of the notification domain in memory, for unit tests of the use cases without
 * PostgreSQL, SMTP, an SMS provider, hold-manager or a webhook receiver. They keep the contracts
 * of the real ones (the message log's claims, the calendar sequence per booking, the reminders'
 * and the webhook deliveries' queues) as the integration tests prove them on SQL.
 */

/** A clock the test moves: pass `now` where a use case takes one. */
export class TestClock {
  private current: Date;

  constructor(start: Date | string = '2030-01-01T08:00:00Z') {
    this.current = new Date(start);
  }

  readonly now = (): Date => new Date(this.current);

  set(instant: Date | string): void {
    this.current = new Date(instant);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** The code of the AppError a promise rejects with; fails when it resolves or rejects otherwise. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal, but the call succeeded');
}

/** The practice's settings row: read for every message (`load`), and by the console (`read`, `update`). */
export class InMemoryPracticeSettings implements PracticeSettingsSource, MessageSettingsStore {
  /** The next load fails with this error (once): the settings row briefly unreadable, say. */
  failNext: Error | undefined;

  constructor(public current: PracticeSettings) {}

  async load(): Promise<PracticeSettings> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    return structuredClone(this.current);
  }

  read(): Promise<PracticeSettings> {
    return this.load();
  }

  /** As the SQL one: the given settings change, an absent (undefined) one stays as it is. */
  async update(changes: Partial<PracticeSettings>): Promise<void> {
    const given = Object.entries(changes).filter(([, value]) => value !== undefined);
    this.current = { ...this.current, ...structuredClone(Object.fromEntries(given)) };
  }
}

export interface LoggedMessage {
  status: 'sending' | 'sent' | 'failed' | 'rejected';
  attempts: number;
  providerMessageId?: string | undefined;
  lastError?: string;
  /** As claimed: the booking (or waiting-list entry) the message is about, its audience and channel. */
  bookingId?: string;
  audience?: Audience;
  channel?: 'email' | 'sms';
}

/** The message log of `message-log.repository.ts`, in a map; a `sending` row is always within its lease. */
export class InMemoryMessageLog implements MessageLog {
  readonly rows = new Map<string, LoggedMessage>();

  static keyOf(key: MessageKey): string {
    return `${key.eventId}|${key.recipient}|${key.kind}`;
  }

  async claim(
    key: MessageKey,
    details: { audience: Audience; channel: 'email' | 'sms'; bookingId: string },
  ): Promise<Claim> {
    const row = this.rows.get(InMemoryMessageLog.keyOf(key));
    if (!row) {
      this.rows.set(InMemoryMessageLog.keyOf(key), { status: 'sending', attempts: 1, ...details });
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

/** The value of a counter series in `registry` (summed over the labels not given), 0 when absent. */
function counterIn(registry: Registry) {
  return async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const metric = registry.getSingleMetric(name);
    if (!metric) return 0;
    const { values } = await metric.get();
    const series = values.filter((value) =>
      Object.entries(labels).every(([key, label]) => value.labels[key] === label),
    );
    return series.reduce((sum, value) => sum + value.value, 0);
  };
}

export interface InMemoryNotification {
  deps: NotifyDeps;
  settings: InMemoryPracticeSettings;
  messageLog: InMemoryMessageLog;
  calendarSequences: InMemoryCalendarSequences;
  mailer: RecordingMailer;
  sms: RecordingSmsGateway;
  registry: Registry;
  /** The value of a counter series, 0 when absent. */
  counter(name: string, labels?: Record<string, string>): Promise<number>;
}

/** Everything `notifyBookingEvent` needs, in memory; `sms: false` configures no SMS provider. */
export function inMemoryNotification(
  options: { settings?: Partial<PracticeSettings>; sms?: boolean } = {},
): InMemoryNotification {
  const settings = new InMemoryPracticeSettings(aPracticeSettings(options.settings));
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
      settings,
      messageLog,
      calendarSequences,
      mailer,
      sms: options.sms === false ? undefined : sms,
      metrics: notificationMetrics(registry),
      logger: createLogger('test', 'silent'),
    },
    counter: counterIn(registry),
  };
}

// Reminders

/** One row of the reminders table. */
export interface StoredReminder {
  id: string;
  bookingId: string;
  hoursBefore: number;
  channel: DueReminder['channel'];
  startsAt: Date;
  dueAt: Date;
  nextAttemptAt: Date;
  attempts: number;
  status: 'pending' | 'sent' | 'skipped';
  /** When finished: 'sent' or why it was skipped. */
  outcome: string | null;
  lastError: string | null;
  /** The booking as the last event had it; gone once the reminder is finished. */
  booking: BookingSnapshot | null;
}

/**
 * The reminders of `reminder.repository.ts` in arrays and maps: a booking's last applied event
 * decides, a cancellation sticks, the queue hands out due reminders earliest first and skips one
 * another worker holds, and the opt-out list keeps contact hashes only.
 */
export class InMemoryReminderStore implements ReminderStore {
  readonly rows: StoredReminder[] = [];
  private readonly bookings = new Map<string, { lastEventAt: Date; startsAt: Date; cancelled: boolean }>();
  private readonly optOuts = new Map<string, Date>();
  private readonly optOutLinks = new Map<string, { contactKeys: string[]; expiresAt: Date }>();
  private readonly held = new Set<string>();

  async schedule(
    booking: BookingSnapshot,
    eventAt: Date,
    planned: PlannedReminder[],
  ): Promise<'scheduled' | 'outdated'> {
    const known = this.bookings.get(booking.bookingId);
    if (known && (known.cancelled || known.lastEventAt >= eventAt)) return 'outdated';
    this.bookings.set(booking.bookingId, { lastEventAt: eventAt, startsAt: new Date(booking.start), cancelled: false });
    this.dropPending(booking.bookingId);
    for (const reminder of planned) {
      this.rows.push({
        id: randomUUID(),
        bookingId: booking.bookingId,
        hoursBefore: reminder.hoursBefore,
        channel: reminder.channel,
        startsAt: new Date(booking.start),
        dueAt: reminder.dueAt,
        nextAttemptAt: reminder.dueAt,
        attempts: 0,
        status: 'pending',
        outcome: null,
        lastError: null,
        booking: structuredClone(booking),
      });
    }
    return 'scheduled';
  }

  async cancel(bookingId: string, eventAt: Date, startsAt: Date): Promise<void> {
    const known = this.bookings.get(bookingId);
    const lastEventAt = known && known.lastEventAt > eventAt ? known.lastEventAt : eventAt;
    this.bookings.set(bookingId, { lastEventAt, startsAt: known?.startsAt ?? startsAt, cancelled: true });
    this.dropPending(bookingId);
  }

  async withNextDue(now: Date, work: (reminder: DueReminder) => Promise<ReminderOutcome>): Promise<boolean> {
    const row = this.rows
      .filter((r) => r.status === 'pending' && r.nextAttemptAt <= now && !this.held.has(r.id))
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())[0];
    if (!row?.booking) return false;
    this.held.add(row.id);
    let outcome: ReminderOutcome;
    try {
      outcome = await work({
        id: row.id,
        bookingId: row.bookingId,
        hoursBefore: row.hoursBefore,
        channel: row.channel,
        startsAt: row.startsAt,
        dueAt: row.dueAt,
        attempts: row.attempts,
        booking: structuredClone(row.booking),
      });
    } finally {
      this.held.delete(row.id);
    }
    row.attempts += 1;
    if (outcome.status === 'retry') {
      row.nextAttemptAt = outcome.at;
      row.lastError = outcome.error.slice(0, 500);
    } else {
      row.status = outcome.status;
      row.outcome = outcome.status === 'skipped' ? outcome.reason : 'sent';
      row.booking = null;
    }
    return true;
  }

  async isOptedOut(contactKeys: string[]): Promise<boolean> {
    return contactKeys.some((key) => this.optOuts.has(key));
  }

  async addOptOutLink(tokenHash: string, contactKeys: string[], expiresAt: Date): Promise<void> {
    this.optOutLinks.set(tokenHash, { contactKeys: [...contactKeys], expiresAt });
  }

  async optOut(tokenHash: string, now: Date): Promise<boolean> {
    const link = this.optOutLinks.get(tokenHash);
    if (!link || link.expiresAt <= now) return false;
    for (const key of link.contactKeys) if (!this.optOuts.has(key)) this.optOuts.set(key, now);
    return true;
  }

  /** The reminders of one booking, in the order they are due. */
  of(bookingId: string): StoredReminder[] {
    return this.rows.filter((r) => r.bookingId === bookingId).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  /** The contact hashes on the opt-out list. */
  optedOut(): string[] {
    return [...this.optOuts.keys()];
  }

  private dropPending(bookingId: string): void {
    for (let i = this.rows.length - 1; i >= 0; i -= 1) {
      const row = this.rows[i]!;
      if (row.bookingId === bookingId && row.status === 'pending' && !this.held.has(row.id)) this.rows.splice(i, 1);
    }
  }
}

/**
 * hold-manager's `booking.issueManageToken` from what the test says of each booking: a fresh token
 * for a confirmed one, none otherwise, NOT_FOUND for one it does not know. `failWith` makes every
 * call fail (hold-manager unreachable, say).
 */
export class InMemoryManageLinks implements ManageLinks {
  readonly bookings = new Map<string, { status: BookingStatus; start: string }>();
  /** The tokens issued, in order. */
  readonly issued: string[] = [];
  failWith: Error | undefined;

  async issue(bookingId: string): Promise<CommandReply<'booking.issueManageToken'>> {
    if (this.failWith) throw this.failWith;
    const booking = this.bookings.get(bookingId);
    if (!booking) throw new AppError('NOT_FOUND', 'no such booking');
    const manageToken = booking.status === 'confirmed' ? randomBytes(32).toString('base64url') : null;
    if (manageToken) this.issued.push(manageToken);
    return { ...booking, manageToken };
  }
}

export interface InMemoryReminders extends InMemoryNotification {
  deps: ScheduleRemindersDeps & SendRemindersDeps;
  clock: TestClock;
  reminders: InMemoryReminderStore;
  manageLinks: InMemoryManageLinks;
  /** What the use cases logged, parsed. */
  logs: Record<string, unknown>[];
}

/** Everything scheduling, sending and opting out of reminders need, in memory, on a clock the test moves. */
export function inMemoryReminders(
  options: {
    settings?: Partial<PracticeSettings>;
    sms?: boolean;
    retry?: SendRemindersDeps['retry'];
    now?: string;
  } = {},
): InMemoryReminders {
  const app = inMemoryNotification(options);
  const clock = new TestClock(options.now);
  const reminders = new InMemoryReminderStore();
  const manageLinks = new InMemoryManageLinks();
  const { logger, lines } = memoryLogger();
  return {
    ...app,
    clock,
    reminders,
    manageLinks,
    logs: lines,
    deps: {
      ...app.deps,
      logger,
      reminders,
      manageLinks,
      reminderMetrics: reminderMetrics(app.registry),
      retry: options.retry ?? { delaysMs: [60_000, 600_000], maxAttempts: 4 },
      now: clock.now,
    },
  };
}

// Webhooks

/** What managing the endpoints needs of the two tables. */
type EndpointAdmin = WebhookAdminDeps['endpoints'];
type DeliveryLog = WebhookAdminDeps['deliveries'];

interface StoredEndpoint extends WebhookEndpoint {
  secret: string;
  previousSecret: string | null;
  disabledAt: Date | null;
  disabledNoticePending: boolean;
}

/** One row of the deliveries table. */
export interface StoredDelivery {
  /** A bigint identity in SQL: the order deliveries were recorded in. */
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  bookingId: string;
  occurredAt: string;
  status: 'pending' | 'delivered' | 'failed';
  nextAttemptAt: Date;
  /** Gone once the delivery is finished. */
  payload: string | null;
  attempts: number;
  lastAttemptAt: Date | null;
  lastHttpStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** The two webhook tables, which the endpoints and the deliveries in memory share as their SQL ones share the schema. */
export class InMemoryWebhookTables {
  readonly endpoints = new Map<string, StoredEndpoint>();
  readonly deliveries: StoredDelivery[] = [];
}

function endpointOf(row: StoredEndpoint): WebhookEndpoint {
  return structuredClone({
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    personalData: row.personalData,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    consecutiveFailures: row.consecutiveFailures,
    failingSince: row.failingSince,
    previousSecretUntil: row.previousSecretUntil,
  });
}

/** The endpoints of `webhook-endpoint.repository.ts`; their secrets leave only through `secretsOf` (for tests). */
export class InMemoryWebhookEndpoints implements WebhookEndpoints, EndpointAdmin {
  constructor(private readonly tables: InMemoryWebhookTables) {}

  async addEndpoint(endpoint: {
    url: string;
    description: string;
    eventTypes: WebhookEventType[];
    personalData: PersonalDataLevel;
    secret: string;
  }): Promise<WebhookEndpoint> {
    const row: StoredEndpoint = {
      id: randomUUID(),
      ...structuredClone(endpoint),
      enabled: true,
      disabledReason: null,
      consecutiveFailures: 0,
      failingSince: null,
      previousSecretUntil: null,
      previousSecret: null,
      disabledAt: null,
      disabledNoticePending: false,
    };
    this.tables.endpoints.set(row.id, row);
    return endpointOf(row);
  }

  async list(): Promise<WebhookEndpoint[]> {
    return [...this.tables.endpoints.values()].map(endpointOf);
  }

  async find(id: string): Promise<WebhookEndpoint | undefined> {
    const row = this.tables.endpoints.get(id);
    return row && endpointOf(row);
  }

  async subscribedTo(eventType: WebhookEventType): Promise<WebhookEndpoint[]> {
    return [...this.tables.endpoints.values()]
      .filter((row) => row.enabled && row.eventTypes.includes(eventType))
      .map(endpointOf);
  }

  async rotateSecret(id: string, secret: string, previousUntil: Date): Promise<boolean> {
    const row = this.tables.endpoints.get(id);
    if (!row) return false;
    Object.assign(row, { previousSecret: row.secret, previousSecretUntil: previousUntil, secret });
    return true;
  }

  async setEnabled(id: string, enabled: boolean, now: Date): Promise<boolean> {
    const row = this.tables.endpoints.get(id);
    if (!row) return false;
    Object.assign(row, {
      enabled,
      disabledReason: enabled ? null : 'operator',
      disabledAt: enabled ? null : now,
      consecutiveFailures: 0,
      failingSince: null,
      disabledNoticePending: false,
    });
    if (enabled)
      for (const delivery of this.tables.deliveries)
        if (delivery.endpointId === id && delivery.status === 'pending' && delivery.nextAttemptAt > now)
          delivery.nextAttemptAt = now;
    return true;
  }

  /** Removes an endpoint and its delivery log. */
  async remove(id: string): Promise<boolean> {
    const found = this.tables.endpoints.delete(id);
    const kept = this.tables.deliveries.filter((d) => d.endpointId !== id);
    this.tables.deliveries.splice(0, this.tables.deliveries.length, ...kept);
    return found;
  }

  async disabledNoticesPending(): Promise<WebhookEndpoint[]> {
    return [...this.tables.endpoints.values()]
      .filter((row) => row.disabledNoticePending && !row.enabled)
      .map(endpointOf);
  }

  async disabledNoticeSent(id: string): Promise<void> {
    const row = this.tables.endpoints.get(id);
    if (row) row.disabledNoticePending = false;
  }

  /** The endpoint's secrets and whether its disabled notice is owed: what the listing never shows. */
  secretsOf(id: string): { secret: string; previousSecret: string | null; disabledNoticePending: boolean } {
    const row = this.tables.endpoints.get(id);
    if (!row) throw new Error(`no webhook endpoint ${id}`);
    return { secret: row.secret, previousSecret: row.previousSecret, disabledNoticePending: row.disabledNoticePending };
  }
}

/**
 * The deliveries of `webhook-delivery.repository.ts`: one per (endpoint, event); the queue hands
 * out due deliveries of enabled endpoints earliest first, skips one another worker holds, and
 * holds back a booking's later event while an earlier one is pending for the same endpoint. An
 * attempt's record applies only when its work finishes, as the SQL transaction commits then.
 */
export class InMemoryWebhookDeliveries implements WebhookDeliveryQueue, DeliveryLog {
  private sequence = 0;
  private readonly held = new Set<string>();

  constructor(private readonly tables: InMemoryWebhookTables) {}

  async enqueue(
    event: { id: string; type: string; bookingId: string; occurredAt: string },
    deliveries: { endpointId: string; payload: string }[],
    now: Date,
  ): Promise<number> {
    let added = 0;
    for (const { endpointId, payload } of deliveries) {
      if (!this.tables.endpoints.has(endpointId)) throw new Error(`no webhook endpoint ${endpointId}`);
      if (this.tables.deliveries.some((d) => d.endpointId === endpointId && d.eventId === event.id)) continue;
      this.sequence += 1;
      this.tables.deliveries.push({
        id: String(this.sequence),
        endpointId,
        eventId: event.id,
        eventType: event.type,
        bookingId: event.bookingId,
        occurredAt: event.occurredAt,
        status: 'pending',
        nextAttemptAt: now,
        payload,
        attempts: 0,
        lastAttemptAt: null,
        lastHttpStatus: null,
        lastError: null,
        createdAt: now,
        finishedAt: null,
      });
      added += 1;
    }
    return added;
  }

  async withNextDue(
    now: Date,
    work: (delivery: DueDelivery, attempt: AttemptRecorder) => Promise<void>,
  ): Promise<boolean> {
    const { deliveries, endpoints } = this.tables;
    const waitsBehindEarlier = (d: StoredDelivery) =>
      deliveries.some(
        (earlier) =>
          earlier.endpointId === d.endpointId &&
          earlier.bookingId === d.bookingId &&
          earlier.status === 'pending' &&
          (earlier.occurredAt < d.occurredAt ||
            (earlier.occurredAt === d.occurredAt && Number(earlier.id) < Number(d.id))),
      );
    const row = deliveries
      .filter(
        (d) =>
          d.status === 'pending' &&
          d.nextAttemptAt <= now &&
          endpoints.get(d.endpointId)?.enabled &&
          !this.held.has(d.id) &&
          !waitsBehindEarlier(d),
      )
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || Number(a.id) - Number(b.id))[0];
    const endpoint = row && endpoints.get(row.endpointId);
    if (!row || !endpoint || row.payload === null) return false;
    this.held.add(row.id);
    let recorded: AttemptRecord | undefined;
    try {
      await work(
        {
          id: row.id,
          endpointId: row.endpointId,
          eventId: row.eventId,
          eventType: row.eventType,
          url: endpoint.url,
          payload: row.payload,
          attempts: row.attempts,
          secrets: {
            current: endpoint.secret,
            previous:
              endpoint.previousSecret && endpoint.previousSecretUntil
                ? { secret: endpoint.previousSecret, until: endpoint.previousSecretUntil }
                : null,
          },
        },
        {
          lockEndpointStreak: async () => ({
            consecutiveFailures: endpoint.consecutiveFailures,
            failingSince: endpoint.failingSince,
          }),
          record: async (record) => {
            recorded = structuredClone(record);
          },
        },
      );
    } finally {
      this.held.delete(row.id);
    }
    if (recorded) this.apply(row, endpoint, recorded, now);
    return true;
  }

  async log(endpointId: string, limit: number): ReturnType<DeliveryLog['log']> {
    return this.tables.deliveries
      .filter((d) => d.endpointId === endpointId)
      .sort((a, b) => Number(b.id) - Number(a.id))
      .slice(0, limit)
      .map((d) => ({
        deliveryId: d.id,
        eventId: d.eventId,
        eventType: d.eventType,
        bookingId: d.bookingId,
        status: d.status,
        attempts: d.attempts,
        lastHttpStatus: d.lastHttpStatus,
        lastError: d.lastError,
        nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
        createdAt: d.createdAt.toISOString(),
        finishedAt: d.finishedAt?.toISOString() ?? null,
      }));
  }

  /** The deliveries of one event, by endpoint. */
  of(eventId: string): StoredDelivery[] {
    return this.tables.deliveries.filter((d) => d.eventId === eventId);
  }

  private apply(row: StoredDelivery, endpoint: StoredEndpoint, record: AttemptRecord, now: Date): void {
    const finished = record.delivery.status !== 'pending';
    Object.assign(row, {
      status: record.delivery.status,
      attempts: row.attempts + 1,
      lastAttemptAt: now,
      lastHttpStatus: record.httpStatus,
      lastError: record.error,
      nextAttemptAt: record.delivery.status === 'pending' ? record.delivery.nextAttemptAt : row.nextAttemptAt,
      payload: finished ? null : row.payload,
      finishedAt: finished ? now : null,
    });
    const disabledNow = record.endpoint.disable && endpoint.enabled;
    Object.assign(endpoint, {
      consecutiveFailures: record.endpoint.consecutiveFailures,
      failingSince: record.endpoint.failingSince,
      enabled: endpoint.enabled && !record.endpoint.disable,
      disabledReason: disabledNow ? 'failing' : endpoint.disabledReason,
      disabledAt: disabledNow ? now : endpoint.disabledAt,
      disabledNoticePending: endpoint.disabledNoticePending || disabledNow,
    });
  }
}

type WebhookRequest = Parameters<WebhookSender['send']>[0];

/** Answers each webhook request as `answer` says (by default 204) and keeps what was sent; no HTTP. */
export class RecordingWebhookSender implements WebhookSender {
  readonly requests: WebhookRequest[] = [];
  answer: (request: WebhookRequest) => AttemptOutcome = () => ({ result: 'delivered', httpStatus: 204 });

  async send(request: WebhookRequest): Promise<AttemptOutcome> {
    this.requests.push(structuredClone(request));
    return this.answer(request);
  }

  to(url: string): WebhookRequest[] {
    return this.requests.filter((request) => request.url === url);
  }
}

/** A receiver that answers with an error status, or does not answer in time. */
export const answersWith = (status: number) => (): AttemptOutcome => ({
  result: 'failed',
  httpStatus: status,
  error: `http ${status}`,
});
export const timesOut = (): AttemptOutcome => ({ result: 'failed', httpStatus: null, error: 'timeout' });

export interface InMemoryWebhooks {
  deps: RecordWebhookDeps & DeliverWebhookDeps & NotifyDisabledDeps & WebhookAdminDeps;
  clock: TestClock;
  policy: WebhookRetryPolicy;
  endpoints: InMemoryWebhookEndpoints;
  deliveries: InMemoryWebhookDeliveries;
  sender: RecordingWebhookSender;
  settings: InMemoryPracticeSettings;
  mailer: RecordingMailer;
  /** What the use cases logged, parsed. */
  logs: Record<string, unknown>[];
  counter(name: string, labels?: Record<string, string>): Promise<number>;
}

/**
 * Everything recording, delivering and managing webhooks needs, in memory, on a clock the test
 * moves. The default policy: retries after 1 min, 10 min, then every hour, given up after the
 * 5th attempt; an endpoint is disabled after 3 failures in a row over at least an hour.
 */
export function inMemoryWebhooks(
  options: { settings?: Partial<PracticeSettings>; policy?: Partial<WebhookRetryPolicy>; now?: string } = {},
): InMemoryWebhooks {
  const clock = new TestClock(options.now);
  const tables = new InMemoryWebhookTables();
  const endpoints = new InMemoryWebhookEndpoints(tables);
  const deliveries = new InMemoryWebhookDeliveries(tables);
  const sender = new RecordingWebhookSender();
  const settings = new InMemoryPracticeSettings(aPracticeSettings(options.settings));
  const mailer = new RecordingMailer();
  const registry = new Registry();
  const { logger, lines } = memoryLogger();
  const policy: WebhookRetryPolicy = {
    retryDelaysMs: [60_000, 600_000, 3_600_000],
    maxAttempts: 5,
    disableAfterFailures: 3,
    disableAfterMs: 3_600_000,
    ...options.policy,
  };
  return {
    clock,
    policy,
    endpoints,
    deliveries,
    sender,
    settings,
    mailer,
    logs: lines,
    counter: counterIn(registry),
    deps: {
      endpoints,
      deliveries,
      sender,
      policy,
      settings,
      mailer,
      metrics: webhookMetrics(registry),
      logger,
      now: clock.now,
    },
  };
}
