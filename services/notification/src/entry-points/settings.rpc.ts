import type { Broker } from '@otk/messaging';
import type pg from 'pg';
import { loadPracticeSettings, updatePracticeSettings } from '../data-access/practice-settings.repository.js';
import {
  type MessageSettingsStore,
  changeMessageSettings,
  getMessageSettings,
} from '../domain/message-settings.use-case.js';

/** The console's commands for the message settings notification owns (ADR 24). */
export async function serveSettingsCommands(broker: Broker, pool: pg.Pool): Promise<void> {
  const store: MessageSettingsStore = {
    read: () => loadPracticeSettings(pool),
    update: (changes) => updatePracticeSettings(pool, changes),
  };
  await broker.serveCommand('notification.getSettings', () => getMessageSettings(store));
  await broker.serveCommand('notification.updateSettings', (request) => changeMessageSettings(store, request));
}
