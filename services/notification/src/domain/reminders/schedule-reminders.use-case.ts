import type { EventOf } from '@otk/contracts';
import type { PracticeSettingsSource } from '../ports.js';
import { planReminders } from './reminder-plan.js';
import type { ReminderStore } from './reminder-ports.js';

export interface ScheduleRemindersDeps {
  settings: PracticeSettingsSource;
  reminders: ReminderStore;
  now: () => Date;
}

/** The booking events that decide a booking's reminders. */
export type ReminderEvent = EventOf<'notice.bookingConfirmed' | 'notice.bookingChanged' | 'booking.cancelled'>;

/**
 * Keeps a booking's reminders in step with its events (ADR 35): a confirmation plans one reminder
 * per configured offset still ahead, a change plans them again for the new time only (the old
 * ones go), a cancellation drops them for good. An event older than one applied already — or a
 * redelivery — changes nothing.
 */
export async function scheduleReminders(event: ReminderEvent, deps: ScheduleRemindersDeps): Promise<void> {
  const { booking } = event.data;
  const eventAt = new Date(event.occurredAt);
  if (event.type === 'booking.cancelled') {
    await deps.reminders.cancel(booking.bookingId, eventAt, new Date(booking.start));
    return;
  }
  const settings = await deps.settings.load();
  const planned = planReminders(new Date(booking.start), settings.reminders, deps.now());
  await deps.reminders.schedule(booking, eventAt, planned);
}
