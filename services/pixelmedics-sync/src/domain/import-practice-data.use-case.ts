import { createHash } from 'node:crypto';
import { createEvent } from '@otk/contracts';
import { appendToOutbox, withTransaction } from '@otk/db';
import type pg from 'pg';
import { migrations } from '../data-access/migrations.js';
import { loadSettings } from '../data-access/settings.repository.js';
import type { PracticeSystem } from './practice-system.port.js';

export interface ImportResult {
  busyTimes: number;
  changed: boolean;
  importedAt: string;
}

/**
 * Reads the catalogue and the staff-made busy times from the practice system and publishes the
 * busy times (through the outbox) when either changed since the last import, or when `force`d, so
 * availability never offers a slot that staff already filled. The catalogue is availability's
 * (ADR 24); it is read here only so that a change of it counts as a change.
 */
export async function importPracticeData(
  deps: { pool: pg.Pool; practice: PracticeSystem },
  options: { force?: boolean; now?: Date } = {},
): Promise<ImportResult> {
  const now = options.now ?? new Date();
  const settings = await loadSettings(deps.pool);
  const from = now;
  const to = new Date(now.getTime() + settings.importHorizonDays * 24 * 3600 * 1000);
  const [catalogue, busyTimes] = await Promise.all([
    deps.practice.readCatalogue(),
    deps.practice.readBusyTimes(from, to),
  ]);
  const fingerprint = createHash('sha256').update(JSON.stringify({ catalogue, busyTimes })).digest('hex');
  const schema = migrations.schema;

  const changed = await withTransaction(deps.pool, async (client) => {
    const last = await client.query<{ fingerprint: string }>(
      `SELECT fingerprint FROM ${schema}.import_state FOR UPDATE`,
    );
    if (last.rows[0]?.fingerprint === fingerprint && !options.force) return false;
    await appendToOutbox(
      client,
      schema,
      createEvent('practice.busyTimesImported', { from: from.toISOString(), to: to.toISOString(), busyTimes }),
    );
    await client.query(
      `INSERT INTO ${schema}.import_state (fingerprint, imported_at) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET fingerprint = $1, imported_at = $2`,
      [fingerprint, now],
    );
    return true;
  });
  return { busyTimes: busyTimes.length, changed, importedAt: now.toISOString() };
}
