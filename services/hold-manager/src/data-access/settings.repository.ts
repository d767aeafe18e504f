import type pg from 'pg';
import type { PracticeSettings } from '../domain/booking-rules.js';
import { migrations } from './migrations.js';

/** The practice's booking rules (A1, A3, D4), read on every use so an edit applies at once. */
export async function readSettings(db: Pick<pg.ClientBase, 'query'>): Promise<PracticeSettings> {
  const { rows } = await db.query<{
    confirmation_window_seconds: number;
    cancellation_deadline_seconds: number;
    max_open_holds_per_contact: number;
    max_open_holds_per_client: number;
  }>(`SELECT * FROM ${migrations.schema}.settings WHERE id = 'practice'`);
  const row = rows[0];
  if (!row) throw new Error('hold_manager.settings has no row: the settings migration did not run');
  return {
    confirmationWindowSeconds: row.confirmation_window_seconds,
    cancellationDeadlineSeconds: row.cancellation_deadline_seconds,
    maxOpenHoldsPerContact: row.max_open_holds_per_contact,
    maxOpenHoldsPerClient: row.max_open_holds_per_client,
  };
}
