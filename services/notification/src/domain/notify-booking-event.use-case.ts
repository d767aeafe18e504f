import { retryWhileUnavailable } from '@otk/db';
import { type Logger, secondsSince } from '@otk/telemetry';
import type pg from 'pg';
import { calendarSequenceFor } from '../data-access/calendar-sequence.repository.js';
import type { Mailer } from '../data-access/mailer.js';
import { claimMessage, markFailed, markSent } from '../data-access/message-log.repository.js';
import { loadPracticeSettings } from '../data-access/practice-settings.repository.js';
import type { SmsGateway } from '../data-access/sms-gateway.js';
import type { NotificationMetrics } from '../notification-metrics.js';
import { DeliveryError } from './delivery-error.js';
import { composeSms } from './messages/sms-text.js';
import { type Delivery, type NoticeEvent, planDeliveries } from './notice.js';
import { calendarMethodFor, composeOutgoingEmail } from './outgoing-email.js';
import type { PracticeSettings } from './practice-settings.js';

export interface NotifyDeps {
  pool: pg.Pool;
  mailer: Mailer;
  /** Absent when no SMS provider is configured: SMS patients then get e-mail, if they gave an address. */
  sms: SmsGateway | undefined;
  metrics: NotificationMetrics;
  logger: Logger;
}

/**
 * Tells the patient (and, when the practice wants it, its staff) about one booking event, each
 * message at most once per (event, recipient, kind). Every recipient is tried; a permanent refusal
 * is recorded and skipped, and if any send failed temporarily the whole event throws, so the
 * consumer delivers it again after a backoff and only the unsent messages go out then.
 */
export async function notifyBookingEvent(event: NoticeEvent, deps: NotifyDeps): Promise<void> {
  const settings = await loadPracticeSettings(deps.pool);
  const deliveries = planDeliveries(event, settings, deps.sms !== undefined);
  const logger = deps.logger.child({ eventId: event.id, eventType: event.type });
  if (deliveries.length === 0) {
    logger.warn('nobody to notify: the booking has no reachable contact');
    return;
  }
  let temporaryFailure: DeliveryError | undefined;
  for (const delivery of deliveries) {
    const failure = await deliverOnce(event, delivery, settings, deps, logger);
    temporaryFailure ??= failure;
  }
  if (temporaryFailure) throw temporaryFailure;
}

/** How long a sent message's mark waits for the database before the event is given up to a retry. */
const MARK_SENT_PATIENCE_MS = 5 * 60_000;

/** Sends one message unless the log says it went already; returns a temporary failure, if any. */
async function deliverOnce(
  event: NoticeEvent,
  delivery: Delivery,
  settings: PracticeSettings,
  deps: NotifyDeps,
  eventLogger: Logger,
): Promise<DeliveryError | undefined> {
  const { kind, channel, audience } = delivery;
  const labels = { channel, kind, audience };
  const logger = eventLogger.child(labels);
  const key = { eventId: event.id, recipient: delivery.recipient, kind };
  const claim = await claimMessage(deps.pool, key, { audience, channel, bookingId: event.data.booking.bookingId });
  if (claim === 'done') {
    logger.info('message already handled; skipping');
    return undefined;
  }
  if (claim === 'busy') {
    logger.info('message is being sent by another delivery of this event; checking again later');
    return new DeliveryError('message is being sent by another delivery', false);
  }
  let sent: { messageId: string | undefined };
  try {
    sent = await send(event, delivery, settings, deps);
  } catch (error) {
    const failure =
      error instanceof DeliveryError
        ? error
        : new DeliveryError(`unexpected ${error instanceof Error ? error.name : 'error'}`, false, String(error));
    await markFailed(deps.pool, key, failure.detail ?? failure.message, failure.permanent);
    deps.metrics.failed.inc({ ...labels, permanent: String(failure.permanent) });
    // Only the safe summary: the server's own text may quote the address.
    logger.warn({ error: failure.message, permanent: failure.permanent }, 'sending failed');
    return failure.permanent ? undefined : failure;
  }
  deps.metrics.sent.inc(labels);
  deps.metrics.handoff.observe({ channel, kind }, secondsSince(event.occurredAt));
  logger.info('message sent');
  // The message is out: only this process knows it. Should the database be going away, the
  // mark is retried until it is back, rather than leave the claim to expire and the message to
  // be sent again.
  await retryWhileUnavailable(() => markSent(deps.pool, key, sent.messageId), {
    patienceMs: MARK_SENT_PATIENCE_MS,
    onRetry: () => logger.warn('the database is unavailable; recording the sent message again shortly'),
  });
  return undefined;
}

async function send(
  event: NoticeEvent,
  delivery: Delivery,
  settings: PracticeSettings,
  deps: NotifyDeps,
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
    ? await calendarSequenceFor(deps.pool, event.data.booking.bookingId, event.id)
    : undefined;
  return deps.mailer.send(composeOutgoingEmail(event, delivery, settings, sequence));
}
