import type pg from 'pg';
import { migrations } from './migrations.js';

const schema = migrations.schema;
type Db = Pick<pg.ClientBase, 'query'>;

export interface AuditEntry {
  accountId: string | null;
  accountEmail: string | null;
  /** What was done, e.g. `settings.update`, `booking.read`, `booking.cancel`, `session.create`. */
  action: string;
  /** What it was done to, e.g. a booking id. */
  target?: string;
  /** What changed; never a password, token or a patient's data. */
  details?: Record<string, unknown>;
  clientAddress: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  at: string;
  target: string | undefined;
  details: Record<string, unknown>;
}

export async function appendAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO ${schema}.audit_log (account_id, account_email, action, target, details, client_address)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      entry.accountId,
      entry.accountEmail,
      entry.action,
      entry.target ?? null,
      JSON.stringify(entry.details ?? {}),
      entry.clientAddress,
    ],
  );
}

/** Newest first; `before` is the id of the last entry of the previous page. */
export async function listAudit(
  db: Db,
  query: { from?: string; to?: string; action?: string; before?: string; limit: number },
): Promise<AuditRecord[]> {
  const { rows } = await db.query<{
    id: string;
    at: Date;
    account_id: string | null;
    account_email: string | null;
    action: string;
    target: string | null;
    details: Record<string, unknown>;
    client_address: string | null;
  }>(
    `SELECT * FROM ${schema}.audit_log
      WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
        AND ($3::text IS NULL OR action = $3) AND ($4::bigint IS NULL OR id < $4)
      ORDER BY id DESC LIMIT $5`,
    [query.from ?? null, query.to ?? null, query.action ?? null, query.before ?? null, query.limit],
  );
  return rows.map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    accountId: row.account_id,
    accountEmail: row.account_email,
    action: row.action,
    target: row.target ?? undefined,
    details: row.details,
    clientAddress: row.client_address,
  }));
}

/** The practice's retention of audit entries, in days (ADR 80). */
export async function readAuditRetentionDays(db: Db): Promise<number> {
  const { rows } = await db.query<{ audit_retention_days: number }>(
    `SELECT audit_retention_days FROM ${schema}.admin_policy WHERE id = 'practice'`,
  );
  return rows[0]?.audit_retention_days ?? 365;
}

export async function writeAuditRetentionDays(db: Db, days: number): Promise<void> {
  await db.query(
    `UPDATE ${schema}.admin_policy SET audit_retention_days = $1, updated_at = now() WHERE id = 'practice'`,
    [days],
  );
}

/**
 * Deletes the entries older than the practice's retention at `now` (read in the same statement,
 * so a change applies at the next run); returns how many went.
 */
export async function deleteExpiredAudit(db: Db, now: Date): Promise<number> {
  const result = await db.query(
    `DELETE FROM ${schema}.audit_log
      WHERE at < $1::timestamptz - make_interval(days => (
        SELECT audit_retention_days FROM ${schema}.admin_policy WHERE id = 'practice'))`,
    [now],
  );
  return result.rowCount ?? 0;
}
