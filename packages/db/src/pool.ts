import pg from 'pg';

/**
 * One pool per process. `applicationName` shows up in `pg_stat_activity`, so an operator can tell
 * which service holds a connection or a lock.
 */
export function createPool(options: { connectionString: string; applicationName: string; max?: number }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    application_name: options.applicationName,
    max: options.max ?? 10,
    // Fail a query rather than wait forever when the database is unreachable: callers retry,
    // and /readyz reports the outage instead of hanging.
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    // Detects connections silently dropped by the network (e.g. a failed-over database).
    keepAlive: true,
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener that
  // would end the process. The pool has already discarded the client and the next query opens a
  // fresh one, so there is nothing left to do; callers that want a log line add their own listener.
  pool.on('error', () => undefined);
  // The pool listens to a client only while it is idle. A client checked out — inside a
  // transaction, between two statements, or waiting for the broker — whose connection drops
  // emits 'error' with nobody listening, which ends the process. This listener stays for the
  // client's lifetime; the statement in flight (or the next one) still fails, and the pool
  // discards the broken client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Resolves when the database answers; used by /readyz. */
export async function ping(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT 1');
}
