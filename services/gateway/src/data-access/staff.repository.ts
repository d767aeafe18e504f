import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { StaffAccount, StaffRole } from '../domain/staff-ports.js';
import { migrations } from './migrations.js';

const schema = migrations.schema;
type Db = Pick<pg.ClientBase, 'query'>;

interface AccountRow {
  id: string;
  email: string;
  role: StaffRole;
  password_hash: string;
  totp_secret: string | null;
  totp_pending_secret: string | null;
}

function toAccount(row: AccountRow): StaffAccount {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    totpPendingSecret: row.totp_pending_secret,
  };
}

export async function findAccountByEmail(db: Db, email: string): Promise<StaffAccount | undefined> {
  const { rows } = await db.query<AccountRow>(`SELECT * FROM ${schema}.staff_accounts WHERE email = $1`, [
    email.toLowerCase(),
  ]);
  return rows[0] && toAccount(rows[0]);
}

/** Creates the account, or gives an existing one a new password and role (a forgotten password). */
export async function upsertAccount(
  db: Db,
  account: { email: string; role: StaffRole; passwordHash: string },
): Promise<{ id: string; created: boolean }> {
  const { rows } = await db.query<{ id: string; created: boolean }>(
    `INSERT INTO ${schema}.staff_accounts (id, email, role, password_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (email) DO UPDATE SET role = EXCLUDED.role, password_hash = EXCLUDED.password_hash, updated_at = now()
     RETURNING id, (xmax = 0) AS created`,
    [randomUUID(), account.email.toLowerCase(), account.role, account.passwordHash],
  );
  return rows[0]!;
}

export async function setPendingTotpSecret(db: Db, accountId: string, secret: string): Promise<void> {
  await db.query(`UPDATE ${schema}.staff_accounts SET totp_pending_secret = $2, updated_at = now() WHERE id = $1`, [
    accountId,
    secret,
  ]);
}

export async function enableTotp(db: Db, accountId: string, secret: string): Promise<void> {
  await db.query(
    `UPDATE ${schema}.staff_accounts SET totp_secret = $2, totp_pending_secret = NULL, updated_at = now() WHERE id = $1`,
    [accountId, secret],
  );
}

export async function disableTotp(db: Db, accountId: string): Promise<void> {
  await db.query(
    `UPDATE ${schema}.staff_accounts SET totp_secret = NULL, totp_pending_secret = NULL, updated_at = now() WHERE id = $1`,
    [accountId],
  );
}

export async function readTotpRequiredForAdmin(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ totp_required_for_admin: boolean }>(
    `SELECT totp_required_for_admin FROM ${schema}.admin_policy WHERE id = 'practice'`,
  );
  return rows[0]?.totp_required_for_admin ?? false;
}

export async function writeTotpRequiredForAdmin(db: Db, required: boolean): Promise<void> {
  await db.query(
    `UPDATE ${schema}.admin_policy SET totp_required_for_admin = $1, updated_at = now() WHERE id = 'practice'`,
    [required],
  );
}
