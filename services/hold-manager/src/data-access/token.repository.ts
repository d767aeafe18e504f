import type pg from 'pg';
import type { TokenPurpose } from '../domain/token.js';
import { migrations } from './migrations.js';

const tokens = `${migrations.schema}.booking_tokens`;

type Db = Pick<pg.ClientBase, 'query'>;

export async function insertToken(
  db: Db,
  token: { hash: string; bookingId: string; purpose: TokenPurpose; expiresAt: Date },
): Promise<void> {
  await db.query(`INSERT INTO ${tokens} (token_hash, booking_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`, [
    token.hash,
    token.bookingId,
    token.purpose,
    token.expiresAt,
  ]);
}

export async function findToken(
  db: Db,
  hash: string,
): Promise<{ bookingId: string; purpose: TokenPurpose; expiresAt: Date } | undefined> {
  const { rows } = await db.query<{ booking_id: string; purpose: TokenPurpose; expires_at: Date }>(
    `SELECT booking_id, purpose, expires_at FROM ${tokens} WHERE token_hash = $1`,
    [hash],
  );
  const row = rows[0];
  return row && { bookingId: row.booking_id, purpose: row.purpose, expiresAt: row.expires_at };
}

/** A moved appointment: the booking's manage links stay valid until its new start. */
export async function extendManageTokens(db: Db, bookingId: string, expiresAt: Date): Promise<void> {
  await db.query(`UPDATE ${tokens} SET expires_at = $2 WHERE booking_id = $1 AND purpose = 'manage'`, [
    bookingId,
    expiresAt,
  ]);
}
