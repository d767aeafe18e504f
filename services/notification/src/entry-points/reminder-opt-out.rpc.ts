import type { Broker } from '@otk/messaging';
import { optOutOfReminders } from '../domain/reminders/opt-out-reminders.use-case.js';
import type { ReminderStore } from '../domain/reminders/reminder-ports.js';

/** The opt-out link of a reminder, passed on by the gateway (ADR 36). */
export async function serveReminderOptOut(
  broker: Broker,
  deps: { reminders: ReminderStore; now: () => Date },
): Promise<void> {
  await broker.serveCommand('notification.optOutReminders', (request) => optOutOfReminders(deps, request.token));
}
