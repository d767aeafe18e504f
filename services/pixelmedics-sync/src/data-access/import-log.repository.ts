import { appendToOutbox, withTransaction } from '@otk/db';
import type pg from 'pg';
import type { ImportLog } from '../domain/ports.js';
import { migrations } from './migrations.js';

const s = migrations.schema;

/**
 * The last import's fingerprint (`import_state`) and the outbox, as the domain's `ImportLog`:
 * the row is locked while the import decides, so replicas import one at a time, and the events
 * are published only if the fingerprint is recorded with them.
 */
export function importLogRepository(pool: pg.Pool): ImportLog {
  return {
    record: (decide) =>
      withTransaction(pool, async (client) => {
        const last = await client.query<{ fingerprint: string }>(
          `SELECT fingerprint FROM ${s}.import_state FOR UPDATE`,
        );
        const record = decide(last.rows[0]?.fingerprint);
        if (!record) return false;
        for (const event of record.events) await appendToOutbox(client, s, event);
        await client.query(
          `INSERT INTO ${s}.import_state (fingerprint, imported_at) VALUES ($1, $2)
           ON CONFLICT (id) DO UPDATE SET fingerprint = $1, imported_at = $2`,
          [record.fingerprint, record.importedAt],
        );
        return true;
      }),
  };
}
