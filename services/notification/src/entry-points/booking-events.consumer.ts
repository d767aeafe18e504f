import { queues } from '@otk/contracts';
import { type Broker, type HandlerOutcome, type Subscription, done, retry, skipped } from '@otk/messaging';
import { type NoticeEvent, noticeEventTypes } from '../domain/notice.js';
import { type NotifyDeps, type NotifyResult, notifyBookingEvent } from '../domain/notify-booking-event.use-case.js';
import { type WaitlistNotice, waitlistNoticeTypes } from '../domain/messages/compose-waitlist-message.js';
import { notifyWaitlistEvent } from '../domain/notify-waitlist-event.use-case.js';
import {
  type ReminderEvent,
  type ScheduleRemindersDeps,
  scheduleReminders,
} from '../domain/reminders/schedule-reminders.use-case.js';

/** The booking events a patient hears about, and the notices of their place on the waiting list. */
export const bookingEventsSubscription = {
  queue: queues.notificationEvents,
  routingKeys: [...noticeEventTypes, ...waitlistNoticeTypes],
} satisfies Subscription;

/**
 * Consumes them, each type with its own handler (all tell the patient the same way; confirmation,
 * change and cancellation first set the booking's reminders, ADR 35). An event whose messages
 * failed temporarily comes back after `retryDelaysMs`; after `maxAttempts` it is parked in
 * notification.events.dlq. A redelivery and a booking without a contact are counted as skipped
 * (`duplicate`, `no-recipient`).
 */
export async function consumeBookingEvents(
  broker: Broker,
  deps: NotifyDeps & ScheduleRemindersDeps,
  retries: { maxAttempts: number; retryDelaysMs: number[] },
): Promise<void> {
  const notify = async (event: NoticeEvent): Promise<HandlerOutcome> =>
    outcomeOf(await notifyBookingEvent(event, deps));
  const notifyWaitlist = async (notice: WaitlistNotice): Promise<HandlerOutcome> =>
    outcomeOf(await notifyWaitlistEvent(notice, deps));
  const remindAndNotify = async (event: ReminderEvent): Promise<HandlerOutcome> => {
    await scheduleReminders(event, deps);
    return notify(event);
  };
  await broker.consumeEvents({
    ...bookingEventsSubscription,
    ...retries,
    handlers: {
      'notice.bookingHeld': notify,
      'notice.bookingConfirmed': remindAndNotify,
      'notice.bookingChanged': remindAndNotify,
      'booking.cancelled': remindAndNotify,
      'booking.expired': notify,
      'notice.waitlistJoined': notifyWaitlist,
      'notice.waitlistConfirmed': notifyWaitlist,
      'notice.waitlistOffered': notifyWaitlist,
    },
  });
}

function outcomeOf(notified: NotifyResult): HandlerOutcome {
  switch (notified.result) {
    case 'notified':
      return done();
    case 'already-notified':
      return skipped('duplicate');
    case 'nobody-to-notify':
      return skipped('no-recipient');
    case 'try-again':
      return retry(notified.reason, notified.detail);
  }
}
