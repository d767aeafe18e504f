import type { Broker } from '@otk/messaging';
import type pg from 'pg';
import { updateOnlineColour } from '../data-access/online-colour.repository.js';
import { loadSettings } from '../data-access/settings.repository.js';

/**
 * The console's commands for the practice calendar's online colour (A4, ADR 24). The sync worker
 * reads the colour for every booking event, so the next calendar entry has the new one.
 */
export async function serveSettingsCommands(broker: Broker, pool: pg.Pool): Promise<void> {
  const read = async () => ({ onlineColour: (await loadSettings(pool)).onlineColour });
  await broker.serveCommand('sync.getSettings', read);
  await broker.serveCommand('sync.updateSettings', async (request) => {
    if (request.onlineColour !== undefined) await updateOnlineColour(pool, request.onlineColour.toUpperCase());
    return read();
  });
}
