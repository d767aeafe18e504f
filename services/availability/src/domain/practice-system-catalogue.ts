import type { CatalogueChange, CatalogueImportedV1, StaffCatalogue } from '@otk/contracts';

/**
 * Where the practice system is master of the catalogue (ADR 83), it keeps the practitioners
 * (name, calendars and resources), the resources, and the appointment types (German name,
 * duration). Everything else stays the console's: working hours, absences and closures, groups,
 * names in other languages, buffers, visit kinds, who offers a type, what is bookable online.
 */

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((id, i) => id === [...b].sort()[i]);
const sameEntry = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The changes that bring the catalogue in line with an import, resources first so practitioners
 * can name them. A practitioner the practice system no longer lists becomes inactive, a type it no
 * longer lists stops being bookable online (past bookings keep their names, ADR 81); a new type
 * arrives not bookable online, for staff to complete.
 */
export function changesForImport(current: StaffCatalogue, imported: CatalogueImportedV1): CatalogueChange[] {
  const changes: CatalogueChange[] = [];
  for (const resource of imported.resources) {
    const existing = current.resources.find((r) => r.id === resource.id);
    if (!existing || !sameEntry(existing, resource)) changes.push({ kind: 'putResource', resource });
  }
  const resourceIds = new Set([...current.resources, ...imported.resources].map((r) => r.id));

  const listedPractitioners = new Set(imported.practitioners.map((p) => p.id));
  imported.practitioners.forEach((entry, i) => {
    const existing = current.practitioners.find((p) => p.id === entry.id);
    const practitioner = {
      id: entry.id,
      displayName: entry.name,
      active: existing?.active ?? true,
      sortOrder: existing?.sortOrder ?? current.practitioners.length + i,
      resourceIds: entry.resourceIds.filter((id) => resourceIds.has(id)),
      weeklyHours: existing?.weeklyHours ?? [],
    };
    if (!existing || !sameEntry(sortedIds(existing), sortedIds(practitioner)))
      changes.push({ kind: 'putPractitioner', practitioner });
  });
  for (const practitioner of current.practitioners) {
    if (practitioner.active && !listedPractitioners.has(practitioner.id))
      changes.push({ kind: 'putPractitioner', practitioner: { ...practitioner, active: false } });
  }

  const listedTypes = new Set(imported.appointmentTypes.map((t) => t.id));
  imported.appointmentTypes.forEach((entry, i) => {
    const existing = current.appointmentTypes.find((t) => t.id === entry.id);
    if (existing) {
      if (existing.name.de !== entry.name || existing.durationMinutes !== entry.durationMinutes)
        changes.push({
          kind: 'putAppointmentType',
          appointmentType: {
            ...existing,
            name: { ...existing.name, de: entry.name },
            durationMinutes: entry.durationMinutes,
          },
        });
      return;
    }
    changes.push({
      kind: 'putAppointmentType',
      appointmentType: {
        id: entry.id,
        name: { de: entry.name },
        durationMinutes: entry.durationMinutes,
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        visitKinds: ['first', 'followup'],
        groupId: null,
        onlineBookable: false,
        sortOrder: current.appointmentTypes.length + i,
        practitionerIds: [],
      },
    });
  });
  for (const type of current.appointmentTypes) {
    if (type.onlineBookable && !listedTypes.has(type.id))
      changes.push({ kind: 'putAppointmentType', appointmentType: { ...type, onlineBookable: false } });
  }
  return changes;
}

function sortedIds<T extends { resourceIds: string[] }>(entry: T): T {
  return { ...entry, resourceIds: [...entry.resourceIds].sort() };
}

/**
 * Why a console change is refused while the practice system keeps the catalogue: it would change
 * or add what the practice system keeps (the path of the first such field), or undefined.
 */
export function keptByPracticeSystem(current: StaffCatalogue, change: CatalogueChange): string | undefined {
  switch (change.kind) {
    case 'putResource':
      return 'resource';
    case 'putPractitioner': {
      const existing = current.practitioners.find((p) => p.id === change.practitioner.id);
      if (!existing) return 'practitioner.id';
      if (existing.displayName !== change.practitioner.displayName) return 'practitioner.displayName';
      if (!sameIds(existing.resourceIds, change.practitioner.resourceIds)) return 'practitioner.resourceIds';
      return undefined;
    }
    case 'putAppointmentType': {
      const existing = current.appointmentTypes.find((t) => t.id === change.appointmentType.id);
      if (!existing) return 'appointmentType.id';
      if (existing.name.de !== change.appointmentType.name.de) return 'appointmentType.name.de';
      if (existing.durationMinutes !== change.appointmentType.durationMinutes) return 'appointmentType.durationMinutes';
      return undefined;
    }
    default:
      return undefined;
  }
}
