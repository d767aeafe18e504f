import { withTransaction } from '@otk/db';
import type pg from 'pg';
import type { AttemptAdmission } from '../domain/staff-ports.js';
import { migrations } from './migrations.js';

const schema = migrations.schema;

export interface AttemptLimits {
  windowSeconds: number;
  perAccount: number;
  perClient: number;
}

/**
 * Admits one sign-in attempt or refuses it because the account or the client address used up its
 * failures in the window. The attempt is recorded as a failure before the password is checked
 * (and cleared by `clearAttempt` when it was right): with both keys locked for the count and the
 * insert, fifty parallel guesses are counted one after the other, and the state lives in
 * PostgreSQL, so every gateway replica sees the same count.
 */
export async function admitAttempt(
  pool: pg.Pool,
  keys: { accountKey: Buffer; clientKey: Buffer },
  limits: AttemptLimits,
): Promise<AttemptAdmission> {
  return withTransaction(pool, async (client) => {
    // Locks in one order (account, then client) in every transaction, so two never wait for each other.
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('sign-in:account:' || encode($1, 'hex'), 0))`, [
      keys.accountKey,
    ]);
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('sign-in:client:' || encode($1, 'hex'), 0))`, [
      keys.clientKey,
    ]);
    const { rows } = await client.query<{
      by_account: number;
      by_client: number;
      account_retry: number | null;
      client_retry: number | null;
    }>(
      `WITH recent AS (
         SELECT account_key, client_key, attempted_at FROM ${schema}.sign_in_attempts
          WHERE (account_key = $1 OR client_key = $2) AND attempted_at > now() - make_interval(secs => $3)
       ),
       account AS (SELECT attempted_at FROM recent WHERE account_key = $1 ORDER BY attempted_at DESC LIMIT $4),
       by_client AS (SELECT attempted_at FROM recent WHERE client_key = $2 ORDER BY attempted_at DESC LIMIT $5)
       SELECT (SELECT count(*) FROM account)::int AS by_account,
              (SELECT count(*) FROM by_client)::int AS by_client,
              ceil(extract(epoch FROM (SELECT min(attempted_at) FROM account) + make_interval(secs => $3) - now()))::int
                AS account_retry,
              ceil(extract(epoch FROM (SELECT min(attempted_at) FROM by_client) + make_interval(secs => $3) - now()))::int
                AS client_retry`,
      [keys.accountKey, keys.clientKey, limits.windowSeconds, limits.perAccount, limits.perClient],
    );
    const counts = rows[0]!;
    const accountFull = counts.by_account >= limits.perAccount;
    const clientFull = counts.by_client >= limits.perClient;
    if (accountFull || clientFull) {
      // When the oldest counted failure leaves the window, one more attempt is allowed.
      const waits = [accountFull ? counts.account_retry : null, clientFull ? counts.client_retry : null];
      const retryAfterSeconds = Math.max(1, ...waits.map((wait) => wait ?? limits.windowSeconds));
      return { admitted: false, retryAfterSeconds };
    }
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO ${schema}.sign_in_attempts (account_key, client_key) VALUES ($1, $2) RETURNING id`,
      [keys.accountKey, keys.clientKey],
    );
    return { admitted: true, attemptId: inserted.rows[0]!.id };
  });
}

/** A right password: the attempt does not count as a failure. */
export async function clearAttempt(db: Pick<pg.ClientBase, 'query'>, attemptId: string): Promise<void> {
  await db.query(`DELETE FROM ${schema}.sign_in_attempts WHERE id = $1`, [attemptId]);
}

/** Forgets attempts older than the window (called now and then). */
export async function deleteOldAttempts(db: Pick<pg.ClientBase, 'query'>, windowSeconds: number): Promise<void> {
  await db.query(`DELETE FROM ${schema}.sign_in_attempts WHERE attempted_at <= now() - make_interval(secs => $1)`, [
    windowSeconds,
  ]);
}
