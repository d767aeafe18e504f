import type { CommandReply } from '@otk/contracts';
import type pg from 'pg';

type Export = CommandReply<'sync.exportPatient'>;
type Erasure = CommandReply<'sync.erasePatient'>;

/**
 * What pixelmedics-sync keeps about a patient's bookings (ADR 73): the copies of their events kept
 * as sync jobs, and the ids the practice system gave their calendar entries and contact. The
 * practice system's own record (the built-in one's tables too) is the practice's, not OTK's.
 */
export async function exportPatientSync(pool: pg.Pool, bookingIds: string[]): Promise<Export> {
  const jobs = await pool.query<{
    booking_id: string;
    event_type: string;
    status: string;
    occurred_at: Date;
    received_at: Date;
    done_at: Date | null;
    event: { data?: Record<string, unknown> };
  }>(
    `SELECT booking_id, event_type, status, occurred_at, received_at, done_at, event
       FROM pixelmedics_sync.sync_jobs WHERE booking_id = ANY($1) ORDER BY occurred_at, seq`,
    [bookingIds],
  );
  const links = await pool.query<{
    booking_id: string;
    entry_id: string | null;
    contact_id: string | null;
    prospect_created: boolean;
  }>(
    `SELECT booking_id, entry_id, contact_id, prospect_created
       FROM pixelmedics_sync.booking_sync WHERE booking_id = ANY($1) ORDER BY booking_id`,
    [bookingIds],
  );
  return {
    syncJobs: jobs.rows.map((row) => ({
      bookingId: row.booking_id,
      eventType: row.event_type,
      status: row.status,
      occurredAt: row.occurred_at.toISOString(),
      receivedAt: row.received_at.toISOString(),
      doneAt: row.done_at?.toISOString() ?? null,
      data: row.event.data ?? null,
    })),
    practiceSystemLinks: links.rows.map((row) => ({
      bookingId: row.booking_id,
      calendarEntryId: row.entry_id,
      contactId: row.contact_id,
      prospectCreated: row.prospect_created,
    })),
  };
}

/**
 * Deletes the applied and failed sync jobs of the bookings and, for bookings with nothing left to
 * apply, their links to the practice system. A job still pending carries a change the practice
 * calendar must get (e.g. a cancellation); it stays until applied, and a later erasure (or the
 * retention job) removes it then.
 */
export async function erasePatientSync(pool: pg.Pool, bookingIds: string[]): Promise<Erasure> {
  const jobs = await pool.query(
    `DELETE FROM pixelmedics_sync.sync_jobs WHERE booking_id = ANY($1) AND status <> 'pending'`,
    [bookingIds],
  );
  const links = await pool.query(
    `DELETE FROM pixelmedics_sync.booking_sync b WHERE b.booking_id = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pixelmedics_sync.sync_jobs j WHERE j.booking_id = b.booking_id)`,
    [bookingIds],
  );
  const pending = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pixelmedics_sync.sync_jobs WHERE booking_id = ANY($1)`,
    [bookingIds],
  );
  return {
    erased: { syncJobs: jobs.rowCount ?? 0, practiceSystemLinks: links.rowCount ?? 0 },
    pending: { syncJobs: pending.rows[0]?.n ?? 0 },
  };
}
