import { z } from 'zod';
import { type LocalizedText, visitKindSchema } from './booking.js';
import { personText } from './text.js';

/**
 * The practice catalogue as the administration console keeps it (F1–F5, S6). availability owns it
 * (ADR 24); the console reads it whole and sends one change at a time. Ids are short readable
 * strings ('dr-muster', 'checkup'); wall-clock times are local times in the practice's zone.
 */

export const catalogueIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lower-case letters, digits, dot, dash or underscore');
/** A local wall-clock time of day, 00:00–24:00 (24:00 is the end of the day). */
const timeOfDaySchema = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time as HH:MM');
/** A local wall-clock date-time without a zone: the practice's. */
const localDateTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, 'a local date and time as YYYY-MM-DDTHH:MM');
const nameSchema = personText({ max: 200 });
const catalogueNameSchema = z.object({
  de: nameSchema,
  fr: nameSchema.optional(),
  it: nameSchema.optional(),
  en: nameSchema.optional(),
}) satisfies z.ZodType<LocalizedText>;

export const weeklyHoursSchema = z
  .object({ weekday: z.number().int().min(1).max(7), start: timeOfDaySchema, end: timeOfDaySchema })
  .refine((h) => h.end > h.start, { message: 'the end comes after the start', path: ['end'] });

export const catalogueIdsSchema = z
  .array(catalogueIdSchema)
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'each id once');

export const staffPractitionerSchema = z.object({
  id: catalogueIdSchema,
  displayName: nameSchema,
  /** An inactive practitioner offers nothing; past bookings keep the name. */
  active: z.boolean(),
  sortOrder: z.number().int().min(0).max(10000),
  resourceIds: catalogueIdsSchema,
  weeklyHours: z.array(weeklyHoursSchema).max(70),
});
export const staffGroupSchema = z.object({
  id: catalogueIdSchema,
  name: catalogueNameSchema,
  sortOrder: z.number().int().min(0).max(10000),
});
export const staffAppointmentTypeSchema = z.object({
  id: catalogueIdSchema,
  name: catalogueNameSchema,
  durationMinutes: z.number().int().min(5).max(720),
  bufferBeforeMinutes: z.number().int().min(0).max(240),
  bufferAfterMinutes: z.number().int().min(0).max(240),
  visitKinds: z
    .array(visitKindSchema)
    .min(1)
    .refine((kinds) => new Set(kinds).size === kinds.length, 'each kind once'),
  groupId: catalogueIdSchema.nullable(),
  onlineBookable: z.boolean(),
  sortOrder: z.number().int().min(0).max(10000),
  practitionerIds: catalogueIdsSchema,
});
export const staffResourceSchema = z.object({
  id: catalogueIdSchema,
  name: nameSchema,
  kind: z.enum(['room', 'device', 'calendar']),
});
/** An absence of one practitioner, or a closure of the whole practice (practitionerId null). */
export const absenceSchema = z.object({
  id: catalogueIdSchema,
  practitionerId: catalogueIdSchema.nullable(),
  startsAt: localDateTimeSchema,
  endsAt: localDateTimeSchema,
  reason: personText({ min: 0, max: 200 }).nullable(),
});
export const newAbsenceSchema = absenceSchema
  .omit({ id: true })
  .refine((a) => a.endsAt > a.startsAt, { message: 'the end comes after the start', path: ['endsAt'] });

export const staffCatalogueSchema = z.object({
  timeZone: z.string(),
  /**
   * The practice system is master of the practitioners (names, resources), the resources and the
   * appointment types (German name, duration): the console shows them read-only (ADR 83).
   */
  managedByPracticeSystem: z.boolean(),
  /** Public holidays of the practice's canton close it (date-holidays); off: it opens on them. */
  holidays: z.object({ country: z.string(), region: z.string().nullable(), closed: z.boolean() }),
  practitioners: z.array(staffPractitionerSchema),
  groups: z.array(staffGroupSchema),
  appointmentTypes: z.array(staffAppointmentTypeSchema),
  resources: z.array(staffResourceSchema),
  absences: z.array(absenceSchema),
});
export type StaffCatalogue = z.infer<typeof staffCatalogueSchema>;

/** One change of the catalogue; `put…` creates or replaces the whole entry. */
export const catalogueChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('putPractitioner'), practitioner: staffPractitionerSchema }),
  z.object({ kind: z.literal('putGroup'), group: staffGroupSchema }),
  z.object({ kind: z.literal('putAppointmentType'), appointmentType: staffAppointmentTypeSchema }),
  z.object({ kind: z.literal('putResource'), resource: staffResourceSchema }),
  z.object({ kind: z.literal('addAbsence'), absence: newAbsenceSchema }),
  z.object({ kind: z.literal('removeAbsence'), absenceId: catalogueIdSchema }),
  z.object({ kind: z.literal('setHolidaysClosed'), closed: z.boolean() }),
]);
export type CatalogueChange = z.infer<typeof catalogueChangeSchema>;
export const changeCatalogueRequestV1 = z.object({ change: catalogueChangeSchema });
