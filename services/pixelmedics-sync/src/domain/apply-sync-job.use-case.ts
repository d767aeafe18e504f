import { parseEvent } from '@otk/contracts';
import { DateTime } from 'luxon';
import type { SyncJob, SyncJobStore } from './ports.js';
import { PracticeSystemRejection, type PracticeSystem } from './practice-system.port.js';
import { type BookingEvent, emptySyncState, isBookingEvent, syncBookingEvent } from './sync-booking.use-case.js';

/** Backoff for a practice system that is down: 1 s doubling to 5 min, then every 5 min, forever. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 5 * 60 * 1000);
}

/**
 * What became of one kept job. `applied`: the practice system is in line with the event.
 * `refused`: the practice system refused it for good; parked for an operator. `retry-later`: it
 * failed for now and is due again after `delayMs`. `unreadable`: the kept event is not a valid
 * booking event; parked.
 */
export type SyncJobResult =
  | { result: 'applied'; event: BookingEvent }
  | { result: 'refused'; event: BookingEvent; error: string }
  | { result: 'retry-later'; event: BookingEvent; error: string; delayMs: number }
  | { result: 'unreadable'; error: string };

/**
 * Applies one kept booking event to the practice system, with what the sync remembers of the
 * booking, and records the outcome on the job: read the event → sync it → remember the booking's
 * new state → complete; a refusal parks the job, any other failure retries it with backoff.
 */
export async function applySyncJob(
  job: SyncJob,
  deps: { practice: PracticeSystem; jobs: SyncJobStore; now: Date },
): Promise<SyncJobResult> {
  const parsed = parseEvent(job.event);
  if (!parsed.ok || !isBookingEvent(parsed.value)) {
    const error = parsed.ok ? `not a booking event: ${parsed.value.type}` : parsed.reason;
    await deps.jobs.fail(job.seq, error, 'EVENT_UNREADABLE');
    return { result: 'unreadable', error };
  }
  const event = parsed.value;
  const { bookingId } = event.data.booking;
  try {
    const settings = await deps.jobs.loadSettings();
    const state = (await deps.jobs.loadSyncState(bookingId)) ?? emptySyncState;
    // The date of the patient's note, as the practice reads it.
    const today = DateTime.fromJSDate(deps.now).setZone(event.data.booking.timeZone).toISODate() ?? '';
    const next = await syncBookingEvent(deps.practice, event, state, { onlineColour: settings.onlineColour, today });
    await deps.jobs.saveSyncState(bookingId, next);
    await deps.jobs.complete(job.seq);
    return { result: 'applied', event };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof PracticeSystemRejection) {
      await deps.jobs.fail(job.seq, message, 'PRACTICE_SYSTEM_REFUSED');
      return { result: 'refused', event, error: message };
    }
    const delayMs = retryDelayMs(job.attempts + 1);
    await deps.jobs.retryLater(job.seq, delayMs, message);
    return { result: 'retry-later', event, error: message, delayMs };
  }
}
