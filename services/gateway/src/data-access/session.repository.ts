import type pg from 'pg';
import type { SignedInUser, StaffRole } from '../domain/staff-ports.js';
import { migrations } from './migrations.js';

const schema = migrations.schema;
type Db = Pick<pg.ClientBase, 'query'>;

export interface SessionTimeouts {
  idleSeconds: number;
  absoluteSeconds: number;
}

export async function insertSession(db: Db, session: { idHash: Buffer; accountId: string }): Promise<void> {
  await db.query(`INSERT INTO ${schema}.staff_sessions (id_hash, account_id) VALUES ($1, $2)`, [
    session.idHash,
    session.accountId,
  ]);
}

/**
 * The session behind a cookie while it is within both timeouts; marks it as seen, which moves
 * the idle timeout on. An expired session is deleted on the way.
 */
export async function touchSession(
  db: Db,
  idHash: Buffer,
  timeouts: SessionTimeouts,
): Promise<SignedInUser | undefined> {
  const { rows } = await db.query<{
    account_id: string;
    email: string;
    role: StaffRole;
    totp_enabled: boolean;
    totp_setup_required: boolean;
  }>(
    `UPDATE ${schema}.staff_sessions s SET last_seen_at = now()
       FROM ${schema}.staff_accounts a, ${schema}.admin_policy p
      WHERE s.id_hash = $1 AND a.id = s.account_id
        AND s.last_seen_at > now() - make_interval(secs => $2)
        AND s.created_at > now() - make_interval(secs => $3)
     RETURNING s.account_id, a.email, a.role, a.totp_secret IS NOT NULL AS totp_enabled,
               (a.role = 'admin' AND a.totp_secret IS NULL AND p.totp_required_for_admin) AS totp_setup_required`,
    [idHash, timeouts.idleSeconds, timeouts.absoluteSeconds],
  );
  const row = rows[0];
  if (!row) {
    await db.query(`DELETE FROM ${schema}.staff_sessions WHERE id_hash = $1`, [idHash]);
    return undefined;
  }
  return {
    accountId: row.account_id,
    email: row.email,
    role: row.role,
    totpEnabled: row.totp_enabled,
    totpSetupRequired: row.totp_setup_required,
  };
}

export async function deleteSession(db: Db, idHash: Buffer): Promise<void> {
  await db.query(`DELETE FROM ${schema}.staff_sessions WHERE id_hash = $1`, [idHash]);
}

/** Signs the account out everywhere: every browser's session ends. */
export async function deleteSessionsOf(db: Db, accountId: string): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM ${schema}.staff_sessions WHERE account_id = $1`, [accountId]);
  return rowCount ?? 0;
}

/** Drops sessions past either timeout (called now and then; touchSession refuses them anyway). */
export async function deleteExpiredSessions(db: Db, timeouts: SessionTimeouts): Promise<void> {
  await db.query(
    `DELETE FROM ${schema}.staff_sessions
      WHERE last_seen_at <= now() - make_interval(secs => $1) OR created_at <= now() - make_interval(secs => $2)`,
    [timeouts.idleSeconds, timeouts.absoluteSeconds],
  );
}
