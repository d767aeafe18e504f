import { AppError, type CatalogueChange, type CatalogueImportedV1, type StaffCatalogue } from '@otk/contracts';
import { changesForImport, keptByPracticeSystem } from './practice-system-catalogue.js';

export interface CatalogueEditorStore {
  /** undefined while the practice is not set up yet. */
  read(): Promise<StaffCatalogue | undefined>;
  /** Stores one change and tells every replica to reload, together. */
  apply(change: CatalogueChange): Promise<void>;
  /** When the import applied last was taken in the practice system; null before the first. */
  lastImportAt(): Promise<Date | null>;
  /** Stores an import's changes, marks the catalogue as the practice system's, tells every replica. */
  applyImport(changes: CatalogueChange[], importedAt: Date): Promise<void>;
}

/** The whole catalogue as the console shows it. */
export async function getStaffCatalogue(store: CatalogueEditorStore): Promise<StaffCatalogue> {
  const catalogue = await store.read();
  if (!catalogue) throw new AppError('UNAVAILABLE', 'the practice is not set up yet');
  return catalogue;
}

/**
 * The console changes the catalogue: one entry, absence or switch at a time. A change that names
 * an entry the catalogue does not have is refused before anything is stored; the next answer of
 * every replica (slots, checks, the booking site's lists) uses the change.
 */
export async function changeCatalogue(store: CatalogueEditorStore, change: CatalogueChange): Promise<StaffCatalogue> {
  const current = await getStaffCatalogue(store);
  const kept = current.managedByPracticeSystem ? keptByPracticeSystem(current, change) : undefined;
  if (kept) {
    throw new AppError('CATALOGUE_MANAGED_BY_PRACTICE_SYSTEM', 'the practice system keeps this; change it there', {
      fields: [{ path: kept, message: 'kept by the practice system' }],
    });
  }
  const problems = unknownReferences(current, change);
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', 'the change names entries the catalogue does not have', {
      fields: problems,
    });
  }
  if (change.kind === 'removeAbsence' && !current.absences.some((a) => a.id === change.absenceId)) {
    throw new AppError('NOT_FOUND', 'no such absence');
  }
  await store.apply(change);
  return getStaffCatalogue(store);
}

/**
 * The practice system's catalogue arrived (ADR 83): its practitioners, resources and appointment
 * types are brought in line and from now on kept by it; the console keeps the rest.
 */
export async function importCatalogue(
  store: CatalogueEditorStore,
  imported: CatalogueImportedV1,
): Promise<{ applied: false } | { applied: true; changes: number }> {
  const importedAt = new Date(imported.importedAt);
  const last = await store.lastImportAt();
  // A replayed or late import older than the one applied would undo the practice system's newer state.
  if (last && last >= importedAt) return { applied: false };
  const changes = changesForImport(await getStaffCatalogue(store), imported);
  await store.applyImport(changes, importedAt);
  return { applied: true, changes: changes.length };
}

/** Which ids of a change point nowhere: a path and a message each. */
export function unknownReferences(
  catalogue: StaffCatalogue,
  change: CatalogueChange,
): { path: string; message: string }[] {
  const ids = (list: { id: string }[]) => new Set(list.map((entry) => entry.id));
  const practitioners = ids(catalogue.practitioners);
  /** A list is named by its index (path.0), a single reference by its path. */
  const missing = (path: string, known: Set<string>, wanted: string | null | string[]) =>
    (Array.isArray(wanted) ? wanted.map((id, index) => ({ id, at: `${path}.${index}` })) : [{ id: wanted, at: path }])
      .filter(({ id }) => id !== null && !known.has(id))
      .map(({ id, at }) => ({ path: at, message: `unknown id ${id}` }));
  switch (change.kind) {
    case 'putPractitioner':
      return missing('practitioner.resourceIds', ids(catalogue.resources), change.practitioner.resourceIds);
    case 'putAppointmentType':
      return [
        ...missing('appointmentType.groupId', ids(catalogue.groups), change.appointmentType.groupId),
        ...missing('appointmentType.practitionerIds', practitioners, change.appointmentType.practitionerIds),
      ];
    case 'addAbsence':
      return missing('absence.practitionerId', practitioners, change.absence.practitionerId);
    default:
      return [];
  }
}
