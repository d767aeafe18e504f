import type { Broker } from '@otk/messaging';
import type pg from 'pg';
import { siteSettingsStore } from '../data-access/site-settings.repository.js';
import { changeSiteSettings, getSiteSettings } from '../domain/site-settings.use-case.js';

/** The console's commands for the booking site's rules and the practice profile (ADR 24). */
export async function serveSettingsCommands(broker: Broker, pool: pg.Pool): Promise<void> {
  const store = siteSettingsStore(pool);
  await broker.serveCommand('availability.getSettings', () => getSiteSettings(store));
  await broker.serveCommand('availability.updateSettings', (request) => changeSiteSettings(store, request));
}
