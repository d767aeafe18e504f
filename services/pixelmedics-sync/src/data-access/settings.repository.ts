import type pg from 'pg';
import type { SyncSettingsSource } from '../domain/ports.js';
import type { SyncSettings } from '../domain/sync-settings.js';
import { migrations } from './migrations.js';

export async function loadSettings(pool: pg.Pool | pg.PoolClient): Promise<SyncSettings> {
  const result = await pool.query<{
    online_colour: string;
    import_interval_seconds: number;
    import_horizon_days: number;
  }>(`SELECT online_colour, import_interval_seconds, import_horizon_days FROM ${migrations.schema}.settings`);
  const row = result.rows[0]!;
  return {
    onlineColour: row.online_colour,
    importIntervalSeconds: row.import_interval_seconds,
    importHorizonDays: row.import_horizon_days,
  };
}

/** The settings in PostgreSQL, as the domain's `SyncSettingsSource`. */
export function settingsRepository(pool: pg.Pool): SyncSettingsSource {
  return { load: () => loadSettings(pool) };
}
