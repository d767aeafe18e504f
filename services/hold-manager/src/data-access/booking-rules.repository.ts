import type pg from 'pg';
import type { PracticeSettings } from '../domain/booking-rules.js';
import type { BookingRulesChange } from '../domain/booking-settings.use-case.js';
import { migrations } from './migrations.js';
import { readSettings } from './booking.repository.js';

/** Changes the booking rules the console edits (A1, A3); the next hold or change reads them. */
export async function updateBookingRules(
  db: Pick<pg.ClientBase, 'query'>,
  change: BookingRulesChange,
): Promise<PracticeSettings> {
  await db.query(
    `UPDATE ${migrations.schema}.settings
        SET confirmation_window_seconds = COALESCE($1, confirmation_window_seconds),
            cancellation_deadline_seconds = COALESCE($2, cancellation_deadline_seconds),
            updated_at = now()
      WHERE id = 'practice'`,
    [change.confirmationWindowSeconds ?? null, change.cancellationDeadlineSeconds ?? null],
  );
  return readSettings(db);
}
