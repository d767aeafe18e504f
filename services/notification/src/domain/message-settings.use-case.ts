import type { CommandReply, CommandRequestParsed } from '@otk/contracts';
import type { PracticeSettings } from './practice-settings.js';

export interface MessageSettingsStore {
  read(): Promise<PracticeSettings>;
  update(changes: Partial<PracticeSettings>): Promise<void>;
}

type MessageSettings = CommandReply<'notification.getSettings'>;

function toMessageSettings(settings: PracticeSettings): MessageSettings {
  return { staffCopies: { enabled: settings.staffCopies, addresses: settings.staffAddresses } };
}

export async function getMessageSettings(store: MessageSettingsStore): Promise<MessageSettings> {
  return toMessageSettings(await store.read());
}

/** The console switches the staff copies (A2) and names their addresses; the next message uses them. */
export async function changeMessageSettings(
  store: MessageSettingsStore,
  request: CommandRequestParsed<'notification.updateSettings'>,
): Promise<MessageSettings> {
  if (request.staffCopies) {
    await store.update({ staffCopies: request.staffCopies.enabled, staffAddresses: request.staffCopies.addresses });
  }
  return toMessageSettings(await store.read());
}
