import type { CommandReply, CommandRequestParsed } from '@otk/contracts';
import type { PracticeSettings } from './practice-settings.js';

export interface MessageSettingsStore {
  read(): Promise<PracticeSettings>;
  update(changes: Partial<PracticeSettings>): Promise<void>;
}

type MessageSettings = CommandReply<'notification.getSettings'>;

function toMessageSettings(settings: PracticeSettings): MessageSettings {
  return {
    staffCopies: { enabled: settings.staffCopies, addresses: settings.staffAddresses },
    reminders: settings.reminders,
  };
}

export async function getMessageSettings(store: MessageSettingsStore): Promise<MessageSettings> {
  return toMessageSettings(await store.read());
}

/**
 * The console switches the staff copies (A2) and names their addresses, and sets the reminders;
 * the next message uses them.
 */
export async function changeMessageSettings(
  store: MessageSettingsStore,
  request: CommandRequestParsed<'notification.updateSettings'>,
): Promise<MessageSettings> {
  const changes: Partial<PracticeSettings> = {};
  if (request.staffCopies) {
    changes.staffCopies = request.staffCopies.enabled;
    changes.staffAddresses = request.staffCopies.addresses;
  }
  // New offsets apply to bookings confirmed or changed from now on; a removed one is no longer sent.
  if (request.reminders) changes.reminders = request.reminders;
  await store.update(changes);
  return toMessageSettings(await store.read());
}
