import { AppError } from '@otk/contracts';
import type pg from 'pg';
import { migrations } from './migrations.js';

const table = `${migrations.schema}.bookings`;

export interface NewHold {
  id: string;
  appointmentTypeId: string;
  practitionerId: string;
  start: Date;
  end: Date;
  expiresAt: Date;
  language: string;
  patient: { firstName: string; lastName: string; email: string };
  confirmTokenHash: string;
}

/**
 * Lapses holds whose deadline has passed and that overlap the wanted time, so that an overdue
 * hold never blocks a slot even before its expiry message arrives.
 */
export async function expireOverdueHolds(
  client: pg.PoolClient,
  practitionerId: string,
  start: Date,
  end: Date,
  now: Date,
): Promise<number> {
  const result = await client.query(
    `UPDATE ${table} SET status = 'expired', updated_at = $4
      WHERE status = 'held' AND expires_at <= $4 AND practitioner_id = $1
        AND tstzrange(starts_at, ends_at) && tstzrange($2, $3)`,
    [practitionerId, start, end, now],
  );
  return result.rowCount ?? 0;
}

/** Inserts a held booking; the exclusion constraint refuses an overlap with SLOT_TAKEN. */
export async function insertHold(client: pg.PoolClient, hold: NewHold): Promise<void> {
  try {
    await client.query(
      `INSERT INTO ${table} (id, appointment_type_id, practitioner_id, starts_at, ends_at, status, expires_at,
                             language, patient_first_name, patient_last_name, patient_email, confirm_token_hash)
       VALUES ($1, $2, $3, $4, $5, 'held', $6, $7, $8, $9, $10, $11)`,
      [
        hold.id,
        hold.appointmentTypeId,
        hold.practitionerId,
        hold.start,
        hold.end,
        hold.expiresAt,
        hold.language,
        hold.patient.firstName,
        hold.patient.lastName,
        hold.patient.email,
        hold.confirmTokenHash,
      ],
    );
  } catch (error) {
    if ((error as { code?: string }).code === '23P01') {
      throw new AppError('SLOT_TAKEN', 'this time is no longer free');
    }
    throw error;
  }
}
