import { startPeriodicJob } from '@otk/runtime';
import type { Logger } from '@otk/telemetry';
import { type SendRemindersDeps, sendNextDueReminder } from '../domain/reminders/send-due-reminders.use-case.js';

/**
 * The reminder sender: every `intervalMs` it sends the reminders that are due, one after another,
 * until none is left. The reminders table is the queue (ADR 35): a restart loses nothing, and
 * several processes share the work without sending one reminder twice. A failed run (database
 * down) is logged and the next comes as planned. Returns the stop function, which waits for the
 * reminder in flight.
 */
export function startReminderSender(
  deps: SendRemindersDeps,
  logger: Logger,
  options: { intervalMs: number },
): () => Promise<void> {
  let stopping = false;
  const stop = startPeriodicJob({
    name: 'reminder sender',
    intervalMs: options.intervalMs,
    logger,
    run: async () => {
      while (!stopping && (await sendNextDueReminder(deps))) {
        // next one
      }
    },
  });
  return async () => {
    stopping = true;
    await stop();
  };
}
