import { AppError, type CatalogueChange, type StaffCatalogue } from '@otk/contracts';

export interface CatalogueEditorStore {
  /** undefined while the practice is not set up yet. */
  read(): Promise<StaffCatalogue | undefined>;
  /** Stores one change and tells every replica to reload, together. */
  apply(change: CatalogueChange): Promise<void>;
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
