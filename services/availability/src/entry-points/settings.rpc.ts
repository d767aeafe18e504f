import type { Broker } from '@otk/messaging';
import type pg from 'pg';
import { catalogueEditorStore } from '../data-access/catalogue-editor.repository.js';
import { siteSettingsStore } from '../data-access/site-settings.repository.js';
import { changeCatalogue, getStaffCatalogue } from '../domain/catalogue-editor.use-case.js';
import { changeSiteSettings, getSiteSettings } from '../domain/site-settings.use-case.js';

/** The console's commands for the booking site's rules, the practice profile and the catalogue (ADR 24). */
export async function serveSettingsCommands(broker: Broker, pool: pg.Pool): Promise<void> {
  const store = siteSettingsStore(pool);
  await broker.serveCommand('availability.getSettings', () => getSiteSettings(store));
  await broker.serveCommand('availability.updateSettings', (request) => changeSiteSettings(store, request));
  const catalogue = catalogueEditorStore(pool);
  await broker.serveCommand('availability.getStaffCatalogue', () => getStaffCatalogue(catalogue));
  await broker.serveCommand('availability.changeCatalogue', (request) => changeCatalogue(catalogue, request.change));
}
