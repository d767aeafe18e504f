import { createHash } from 'node:crypto';
import { createEvent } from '@otk/contracts';
import type { ImportLog, SyncSettingsSource } from './ports.js';
import type { PracticeSystem } from './practice-system.port.js';

export interface ImportResult {
  busyTimes: number;
  changed: boolean;
  importedAt: string;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Reads the catalogue and the staff-made busy times from the practice system and publishes the
 * busy times (through the outbox) when either changed since the last import, or when `force`d, so
 * availability never offers a slot that staff already filled. Where the practice system is master
 * of the catalogue (`catalogueMaster`, the `http` adapter), the catalogue is published with them
 * for availability to apply (ADR 83); otherwise it is the console's (ADR 24) and read here only
 * so that a change of it counts as a change.
 */
export async function importPracticeData(
  deps: { settings: SyncSettingsSource; practice: PracticeSystem; imports: ImportLog; catalogueMaster?: boolean },
  options: { force?: boolean; now?: Date } = {},
): Promise<ImportResult> {
  const now = options.now ?? new Date();
  const settings = await deps.settings.load();
  const from = now;
  const to = new Date(now.getTime() + settings.importHorizonDays * DAY_MS);
  const [catalogue, busyTimes] = await Promise.all([
    deps.practice.readCatalogue(),
    deps.practice.readBusyTimes(from, to),
  ]);
  const fingerprint = createHash('sha256').update(JSON.stringify({ catalogue, busyTimes })).digest('hex');

  const changed = await deps.imports.record((lastFingerprint) => {
    if (lastFingerprint === fingerprint && !options.force) return undefined;
    return {
      fingerprint,
      importedAt: now,
      events: [
        ...(deps.catalogueMaster
          ? [createEvent('practice.catalogueImported', { importedAt: now.toISOString(), ...catalogue }, now)]
          : []),
        createEvent('practice.busyTimesImported', { from: from.toISOString(), to: to.toISOString(), busyTimes }),
      ],
    };
  });
  return { busyTimes: busyTimes.length, changed, importedAt: now.toISOString() };
}
