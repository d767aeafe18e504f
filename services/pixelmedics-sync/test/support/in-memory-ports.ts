import type { Envelope } from '@otk/contracts';
import type { ImportLog, ImportRecord, SyncJobStore, SyncSettingsSource } from '../../src/domain/ports.js';
import {
  type BusyTime,
  type CalendarEntryData,
  type Contact,
  type ContactData,
  type ContactQuery,
  type PracticeCatalogue,
  type PracticeSystem,
  PracticeSystemRejection,
} from '../../src/domain/practice-system.port.js';
import type { BookingSyncState } from '../../src/domain/sync-booking.use-case.js';
import type { SyncSettings } from '../../src/domain/sync-settings.js';

/**
 * The ports of the sync in memory, for unit tests of the use cases without PostgreSQL or a
 * connector. They keep the contracts the integration tests prove on the real ones: idempotency
 * keys, a refused write on an unknown contact or entry, the import log's one fingerprint.
 */

export function settingsOf(overrides: Partial<SyncSettings> = {}): SyncSettingsSource & { settings: SyncSettings } {
  const settings = { onlineColour: '#2E7D32', importIntervalSeconds: 300, importHorizonDays: 120, ...overrides };
  return { settings, load: async () => settings };
}

/** A practice system in maps; each write runs once per idempotency key, as the contract asks. */
export class InMemoryPracticeSystem implements PracticeSystem {
  catalogue: PracticeCatalogue = {
    practitioners: [{ id: 'dr-muster', name: 'Dr. med. dent. Eva Muster', resourceIds: ['room-1'] }],
    resources: [{ id: 'room-1', name: 'Behandlungszimmer 1', kind: 'room' }],
    appointmentTypes: [{ id: 'checkup', name: 'Kontrolle', durationMinutes: 30 }],
  };
  busyTimes: BusyTime[] = [];
  readonly contacts: Contact[] = [];
  readonly notes = new Map<string, string[]>();
  readonly groups = new Map<string, string[]>();
  readonly entries = new Map<string, CalendarEntryData>();
  /** Every write that reached the system, with its key; repeated keys appear once. */
  readonly writes: string[] = [];
  /** The next call of the method fails with this error (once). */
  readonly failNext = new Map<keyof PracticeSystem, Error>();
  private readonly done = new Map<string, unknown>();
  private ids = 0;

  /** An existing patient of the practice. */
  addPatient(data: ContactData): Contact {
    const contact: Contact = { ...data, id: `patient-${++this.ids}`, kind: 'patient' };
    this.contacts.push(contact);
    return contact;
  }

  async readCatalogue(): Promise<PracticeCatalogue> {
    this.failIfAsked('readCatalogue');
    return structuredClone(this.catalogue);
  }

  async readBusyTimes(from: Date, to: Date): Promise<BusyTime[]> {
    this.failIfAsked('readBusyTimes');
    return this.busyTimes.filter((b) => Date.parse(b.start) < to.getTime() && Date.parse(b.end) > from.getTime());
  }

  async findContacts(query: ContactQuery): Promise<Contact[]> {
    this.failIfAsked('findContacts');
    // As the built-in one: candidates by birth date; the caller compares the names.
    return this.contacts.filter((c) => c.birthDate === query.birthDate);
  }

  createProspect(data: ContactData, key: string): Promise<Contact> {
    return this.once('createProspect', key, () => {
      const contact: Contact = { ...data, id: `prospect-${++this.ids}`, kind: 'prospect' };
      this.contacts.push(contact);
      return contact;
    });
  }

  appendNote(contactId: string, text: string, key: string): Promise<void> {
    return this.once('appendNote', key, () => {
      this.assertContact(contactId);
      this.notes.set(contactId, [...(this.notes.get(contactId) ?? []), text]);
    });
  }

  addToPatientGroup(contactId: string, group: string, key: string): Promise<void> {
    return this.once('addToPatientGroup', key, () => {
      this.assertContact(contactId);
      const groups = this.groups.get(contactId) ?? [];
      if (!groups.includes(group)) this.groups.set(contactId, [...groups, group]);
    });
  }

  createCalendarEntry(entry: CalendarEntryData, key: string): Promise<{ entryId: string }> {
    return this.once('createCalendarEntry', key, () => {
      const entryId = `entry-${++this.ids}`;
      this.entries.set(entryId, entry);
      return { entryId };
    });
  }

  updateCalendarEntry(entryId: string, entry: CalendarEntryData, key: string): Promise<void> {
    return this.once('updateCalendarEntry', key, () => {
      if (!this.entries.has(entryId)) throw new PracticeSystemRejection(`calendar entry ${entryId} does not exist`);
      this.entries.set(entryId, entry);
    });
  }

  deleteCalendarEntry(entryId: string, key: string): Promise<void> {
    return this.once('deleteCalendarEntry', key, () => {
      this.entries.delete(entryId);
    });
  }

  entriesOf(bookingId: string): (CalendarEntryData & { entryId: string })[] {
    return [...this.entries].filter(([, e]) => e.bookingId === bookingId).map(([entryId, e]) => ({ ...e, entryId }));
  }

  private failIfAsked(method: keyof PracticeSystem): void {
    const error = this.failNext.get(method);
    if (!error) return;
    this.failNext.delete(method);
    throw error;
  }

  private async once<T>(method: keyof PracticeSystem, key: string, write: () => T): Promise<T> {
    if (this.done.has(key)) return this.done.get(key) as T;
    this.failIfAsked(method);
    const result = write();
    this.done.set(key, result);
    this.writes.push(`${method} ${key}`);
    return result;
  }

  private assertContact(contactId: string): void {
    if (!this.contacts.some((c) => c.id === contactId))
      throw new PracticeSystemRejection(`contact ${contactId} does not exist`);
  }
}

/** `import_state` and the outbox in memory. */
export class InMemoryImportLog implements ImportLog {
  lastFingerprint: string | undefined;
  lastImportedAt: Date | undefined;
  readonly published: Envelope[] = [];

  async record(decide: (lastFingerprint: string | undefined) => ImportRecord | undefined): Promise<boolean> {
    const record = decide(this.lastFingerprint);
    if (!record) return false;
    this.published.push(...record.events);
    this.lastFingerprint = record.fingerprint;
    this.lastImportedAt = record.importedAt;
    return true;
  }
}

/** The job table and `booking_sync` in memory: what became of each job, and each booking's state. */
export class InMemorySyncJobStore implements SyncJobStore {
  readonly states = new Map<string, BookingSyncState>();
  readonly jobs = new Map<
    string,
    { status: 'done' | 'failed' | 'retry'; error?: string; code?: string; delayMs?: number }
  >();

  constructor(private readonly settings: SyncSettingsSource = settingsOf()) {}

  loadSettings(): Promise<SyncSettings> {
    return this.settings.load();
  }

  async loadSyncState(bookingId: string): Promise<BookingSyncState | undefined> {
    return this.states.get(bookingId);
  }

  async saveSyncState(bookingId: string, state: BookingSyncState): Promise<void> {
    this.states.set(bookingId, state);
  }

  async complete(seq: string): Promise<void> {
    this.jobs.set(seq, { status: 'done' });
  }

  async retryLater(seq: string, delayMs: number, error: string): Promise<void> {
    this.jobs.set(seq, { status: 'retry', delayMs, error });
  }

  async fail(seq: string, error: string, code: string): Promise<void> {
    this.jobs.set(seq, { status: 'failed', error, code });
  }
}
