import { AppError } from '@otk/contracts';
import type { Logger } from '@otk/telemetry';
import type { ReminderMetrics } from '../../notification-metrics.js';
import type { ReminderNotice } from '../notice.js';
import { type NotifyDeps, deliverMessage } from '../notify-booking-event.use-case.js';
import { contactKeysOf, isStillConfigured, newOptOutToken, reminderDelivery } from './reminder-plan.js';
import type { DueReminder, ManageLinks, ReminderOutcome, ReminderSkip, ReminderStore } from './reminder-ports.js';

/** How long after the appointment a reminder's opt-out link still works. */
const OPT_OUT_LINK_DAYS = 30;

export interface SendRemindersDeps extends NotifyDeps {
  reminders: ReminderStore;
  manageLinks: ManageLinks;
  reminderMetrics: ReminderMetrics;
  /** Waits after failed attempts (the last repeats), and how many attempts before giving up. */
  retry: { delaysMs: number[]; maxAttempts: number };
  now: () => Date;
}

/**
 * Sends the next due reminder, if any: resolves false when none is due. A reminder goes at most
 * once (the message log, ADR 31), never after the appointment began, never for a booking that is
 * no longer confirmed at that time, and never to a patient who opted out.
 */
export async function sendNextDueReminder(deps: SendRemindersDeps): Promise<boolean> {
  return deps.reminders.withNextDue(deps.now(), async (reminder) => {
    const logger = deps.logger.child({ reminderId: reminder.id, bookingId: reminder.bookingId });
    let outcome: ReminderOutcome;
    try {
      outcome = await remind(reminder, deps, logger);
    } catch (error) {
      // Tried again later like a failed send, so that one reminder never holds up the others.
      const name = error instanceof AppError ? error.code : error instanceof Error ? error.name : 'error';
      logger.warn({ error: name }, 'reminder failed; trying again later');
      outcome = retryLater(reminder, deps, `unexpected ${name}`);
    }
    if (outcome.status === 'sent' && outcome.channel) deps.reminderMetrics.sent.inc({ channel: outcome.channel });
    if (outcome.status === 'skipped') {
      deps.reminderMetrics.skipped.inc({ reason: outcome.reason });
      logger.info({ reason: outcome.reason }, 'reminder skipped');
    }
    return outcome;
  });
}

async function remind(reminder: DueReminder, deps: SendRemindersDeps, logger: Logger): Promise<ReminderOutcome> {
  const skip = (reason: ReminderSkip): ReminderOutcome => ({ status: 'skipped', reason });
  if (deps.now() >= reminder.startsAt) return skip('appointment-began');
  const settings = await deps.settings.load();
  if (!isStillConfigured(reminder, settings)) return skip('not-configured');
  const delivery = reminderDelivery(reminder.booking, reminder.channel, settings, deps.sms !== undefined);
  if (!delivery) return skip('no-contact');
  const contacts = contactKeysOf(reminder.booking.patient);
  if (await deps.reminders.isOptedOut(contacts)) return skip('opted-out');

  let link: Awaited<ReturnType<ManageLinks['issue']>>;
  try {
    link = await deps.manageLinks.issue(reminder.bookingId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return skip('not-confirmed');
    const code = error instanceof AppError ? error.code : 'error';
    logger.warn({ error: code }, 'no manage link for the reminder; trying again later');
    return retryLater(reminder, deps, `manage link: ${code}`);
  }
  if (link.status !== 'confirmed' || !link.manageToken) return skip('not-confirmed');
  // The booking moved and its change is still on the way: the change plans the reminders anew.
  if (new Date(link.start).getTime() !== reminder.startsAt.getTime()) return skip('moved');

  const optOut = newOptOutToken();
  const linkExpiry = new Date(reminder.startsAt.getTime() + OPT_OUT_LINK_DAYS * 86_400_000);
  await deps.reminders.addOptOutLink(optOut.hash, contacts, linkExpiry);
  const notice: ReminderNotice = {
    id: reminder.id,
    type: 'reminder',
    occurredAt: reminder.dueAt.toISOString(),
    data: { booking: reminder.booking, manageToken: link.manageToken, optOutToken: optOut.value },
  };
  const result = await deliverMessage(notice, delivery, settings, deps, logger);
  switch (result.result) {
    case 'sent':
      return { status: 'sent', channel: delivery.channel };
    case 'already-handled':
      return { status: 'sent', channel: undefined };
    case 'refused':
      return skip('refused');
    case 'try-again':
      return retryLater(reminder, deps, result.detail);
  }
}

/** Tries again after the next delay, or gives up after the last attempt. */
function retryLater(reminder: DueReminder, deps: SendRemindersDeps, error: string): ReminderOutcome {
  const attempt = reminder.attempts + 1;
  if (attempt >= deps.retry.maxAttempts) return { status: 'skipped', reason: 'given-up' };
  const { delaysMs } = deps.retry;
  const delay = delaysMs[Math.min(attempt, delaysMs.length) - 1] ?? 60_000;
  return { status: 'retry', error, at: new Date(deps.now().getTime() + delay) };
}
