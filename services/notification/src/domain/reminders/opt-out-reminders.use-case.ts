import { AppError, type CommandReply } from '@otk/contracts';
import { hashOptOutToken } from './reminder-plan.js';
import type { ReminderStore } from './reminder-ports.js';

/**
 * The patient follows the opt-out link of a reminder: no further reminder goes to the e-mail
 * address or phone number of that booking, for this and any later booking (ADR 36). A second
 * click answers the same. An unknown or expired link is TOKEN_INVALID, like every other link.
 */
export async function optOutOfReminders(
  deps: { reminders: ReminderStore; now: () => Date },
  token: string,
): Promise<CommandReply<'notification.optOutReminders'>> {
  if (!(await deps.reminders.optOut(hashOptOutToken(token), deps.now()))) {
    throw new AppError('TOKEN_INVALID', 'this link is not valid');
  }
  return { optedOut: true };
}
