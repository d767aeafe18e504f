import { type Logger, secondsSince } from '@otk/telemetry';
import type { NotificationMetrics } from '../notification-metrics.js';
import { DeliveryError } from './delivery-error.js';
import { composeSms } from './messages/sms-text.js';
import { type Delivery, type MessageEvent, type MessageKind, type NoticeEvent, planDeliveries } from './notice.js';
import { calendarMethodFor, composeOutgoingEmail } from './outgoing-email.js';
import type { CalendarSequences, Mailer, MessageLog, PracticeSettingsSource, SmsGateway } from './ports.js';
import type { PracticeSettings } from './practice-settings.js';

export interface NotifyDeps {
  settings: PracticeSettingsSource;
  messageLog: MessageLog;
  calendarSequences: CalendarSequences;
  mailer: Mailer;
  /** Absent when no SMS provider is configured: SMS patients then get e-mail, if they gave an address. */
  sms: SmsGateway | undefined;
  metrics: NotificationMetrics;
  logger: Logger;
}

/**
 * What became of one event. `notified`: every message owed went out or was refused for good.
 * `nobody-to-notify`: the booking has no reachable contact. `already-notified`: a redelivery,
 * every message was handled before. `try-again`: a message failed temporarily (`send-failed`) or
 * another delivery of the event is sending it right now (`being-sent`); deliver the event again
 * later, and only the unsent messages go out then.
 */
export type NotifyResult =
  | { result: 'notified' }
  | { result: 'nobody-to-notify' }
  | { result: 'already-notified' }
  | { result: 'try-again'; reason: 'send-failed' | 'being-sent'; detail: string };

/**
 * Tells the patient (and, when the practice wants it, its staff) about one booking event, each
 * message at most once per (event, recipient, kind): plan who hears about it, then send each
 * message once. Every recipient is tried; a permanent refusal is recorded and skipped.
 */
export async function notifyBookingEvent(event: NoticeEvent, deps: NotifyDeps): Promise<NotifyResult> {
  const settings = await deps.settings.load();
  const deliveries = planDeliveries(event, settings, deps.sms !== undefined);
  return deliverEach(subjectOf(event), deliveries, deps, (delivery) => send(event, delivery, settings, deps));
}

/** The event a message is owed for, as the log and the metrics know it: no personal data. */
export interface MessageSubject {
  eventId: string;
  eventType: string;
  /** The booking (or waiting-list entry) the message is about. */
  subjectId: string;
  occurredAt: string;
}

/**
 * Sends each message owed for one event once: every recipient is tried; a permanent refusal is
 * recorded and skipped. No delivery at all means nobody can be reached.
 */
export async function deliverEach<K extends MessageKind>(
  message: MessageSubject,
  deliveries: Delivery<K>[],
  deps: Pick<NotifyDeps, 'messageLog' | 'metrics' | 'logger'>,
  sendOne: (delivery: Delivery<K>) => Promise<{ messageId: string | undefined }>,
): Promise<NotifyResult> {
  const logger = deps.logger.child({ eventId: message.eventId, eventType: message.eventType });
  if (deliveries.length === 0) {
    logger.warn('nobody to notify: no reachable contact');
    return { result: 'nobody-to-notify' };
  }
  const results: DeliveryResult[] = [];
  for (const delivery of deliveries) {
    results.push(await deliverOnce(message, delivery, deps, logger, () => sendOne(delivery)));
  }
  const unfinished = results.find((r) => r.result === 'try-again');
  if (unfinished) return unfinished;
  return results.every((r) => r.result === 'already-handled') ? { result: 'already-notified' } : { result: 'notified' };
}

export type DeliveryResult =
  { result: 'sent' | 'refused' | 'already-handled' } | Extract<NotifyResult, { result: 'try-again' }>;

/** Sends one message unless the log says it went already. */
async function deliverOnce(
  message: MessageSubject,
  delivery: Delivery<MessageKind>,
  deps: Pick<NotifyDeps, 'messageLog' | 'metrics' | 'logger'>,
  eventLogger: Logger,
  sendIt: () => Promise<{ messageId: string | undefined }>,
): Promise<DeliveryResult> {
  const { kind, channel, audience } = delivery;
  const labels = { channel, kind, audience };
  const logger = eventLogger.child(labels);
  const key = { eventId: message.eventId, recipient: delivery.recipient, kind };
  const claim = await deps.messageLog.claim(key, { audience, channel, bookingId: message.subjectId });
  if (claim === 'done') {
    logger.info('message already handled; skipping');
    return { result: 'already-handled' };
  }
  if (claim === 'busy') {
    logger.info('message is being sent by another delivery of this event; checking again later');
    return { result: 'try-again', reason: 'being-sent', detail: 'message is being sent by another delivery' };
  }
  let sent: { messageId: string | undefined };
  try {
    sent = await sendIt();
  } catch (error) {
    const failure =
      error instanceof DeliveryError
        ? error
        : new DeliveryError(`unexpected ${error instanceof Error ? error.name : 'error'}`, false, String(error));
    await deps.messageLog.markFailed(key, failure.detail ?? failure.message, failure.permanent);
    deps.metrics.failed.inc({ ...labels, permanent: String(failure.permanent) });
    // Only the safe summary: the server's own text may quote the address.
    logger.warn({ error: failure.message, permanent: failure.permanent }, 'sending failed');
    return failure.permanent
      ? { result: 'refused' }
      : { result: 'try-again', reason: 'send-failed', detail: failure.message };
  }
  deps.metrics.sent.inc(labels);
  deps.metrics.handoff.observe({ channel, kind }, secondsSince(message.occurredAt));
  logger.info('message sent');
  await deps.messageLog.markSent(key, sent.messageId);
  return { result: 'sent' };
}

/** One message about a booking (a reminder, say) sent unless the log says it went already. */
export function deliverMessage(
  event: MessageEvent,
  delivery: Delivery,
  settings: PracticeSettings,
  deps: Omit<NotifyDeps, 'settings'>,
  logger: Logger,
): Promise<DeliveryResult> {
  return deliverOnce(subjectOf(event), delivery, deps, logger, () => send(event, delivery, settings, deps));
}

function subjectOf(event: MessageEvent): MessageSubject {
  return {
    eventId: event.id,
    eventType: event.type,
    subjectId: event.data.booking.bookingId,
    occurredAt: event.occurredAt,
  };
}

async function send(
  event: MessageEvent,
  delivery: Delivery,
  settings: PracticeSettings,
  deps: Omit<NotifyDeps, 'settings'>,
): Promise<{ messageId: string | undefined }> {
  if (delivery.channel === 'sms') {
    if (!deps.sms) throw new DeliveryError('no SMS provider configured', false);
    return deps.sms.send({
      to: delivery.recipient,
      from: settings.smsSender,
      text: composeSms(event, delivery, settings),
      reference: `${event.id}:${delivery.kind}`,
    });
  }
  const sequence = calendarMethodFor(event, delivery)
    ? await deps.calendarSequences.sequenceFor(event.data.booking.bookingId, event.id)
    : undefined;
  return deps.mailer.send(composeOutgoingEmail(event, delivery, settings, sequence));
}
