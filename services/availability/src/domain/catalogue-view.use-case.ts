import type { CommandReply, VisitKind } from '@otk/contracts';
import type { Catalogue } from './catalogue.js';

/** What the booking site needs to know about the practice before the first step. */
export function practiceView(catalogue: Catalogue): CommandReply<'availability.getPractice'> {
  const { practice } = catalogue;
  return {
    name: practice.name,
    timeZone: practice.timeZone,
    defaultLanguage: practice.defaultLanguage,
    languages: practice.languages,
    steps: { visitKind: practice.askVisitKind, appointmentGroup: practice.askAppointmentGroup },
    requiredPatientFields: practice.requiredPatientFields,
    smsOffered: practice.smsOffered,
    privacyPolicy: { url: practice.privacyPolicyUrl, version: practice.privacyPolicyVersion },
    slotGranularityMinutes: practice.granularityMinutes,
    minimumNoticeMinutes: practice.minimumNoticeMinutes,
    bookingHorizonDays: practice.bookingHorizonDays,
    phone: practice.phone,
    logoUrl: practice.logoUrl,
    brandColour: practice.brandColour,
  };
}

/**
 * What a patient can book online (F1–F4), for one visit kind or all: types that are bookable
 * online and offered by someone, the groups that hold them, the practitioners who offer them.
 */
export function catalogueView(catalogue: Catalogue, visitKind?: VisitKind): CommandReply<'availability.getCatalogue'> {
  const types = catalogue.types.filter(
    (t) => t.onlineBookable && t.practitionerIds.length > 0 && (!visitKind || t.visitKinds.includes(visitKind)),
  );
  const groupIds = new Set(types.map((t) => t.groupId));
  return {
    groups: catalogue.groups.filter((g) => groupIds.has(g.id)).map((g) => ({ id: g.id, name: g.name })),
    appointmentTypes: types.map((t) => ({
      id: t.id,
      name: t.name,
      durationMinutes: t.durationMinutes,
      visitKinds: t.visitKinds,
      groupId: t.groupId,
      practitionerIds: t.practitionerIds,
    })),
    practitioners: catalogue.practitioners
      .map((p) => ({
        id: p.id,
        displayName: p.displayName,
        appointmentTypeIds: types.filter((t) => t.practitionerIds.includes(p.id)).map((t) => t.id),
      }))
      .filter((p) => p.appointmentTypeIds.length > 0),
  };
}
