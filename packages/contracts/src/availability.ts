import { z } from 'zod';
import { referenceId } from './text.js';
import { languageSchema, localizedTextSchema, requiredPatientFieldsSchema, visitKindSchema } from './booking.js';

/** Ids of the catalogue: stable, readable strings such as 'dr-muster' or 'checkup'. */
const catalogueIdSchema = referenceId();
/** A local calendar date of the practice, yyyy-MM-dd. */
export const localDateSchema = z.iso.date();
/** An instant written with the practice's local offset, e.g. 2026-03-30T08:15:00+02:00. */
const localInstantSchema = z.iso.datetime({ offset: true });

/** The longest range one availability request may cover, in days (both ends included). */
export const maxAvailabilityRangeDays = 62;

/** availability.getPractice v1: what the booking site shows before the first step. */
export const getPracticeRequestV1 = z.object({});
export const practiceViewSchema = z.object({
  name: z.string(),
  timeZone: z.string(),
  defaultLanguage: languageSchema,
  languages: z.array(languageSchema).min(1),
  /** Which optional steps of the flow are shown: F1 (visit kind), F2 (appointment group). */
  steps: z.object({ visitKind: z.boolean(), appointmentGroup: z.boolean() }),
  /** Which patient fields besides the names the patient must fill in (F6); the gateway enforces them. */
  requiredPatientFields: requiredPatientFieldsSchema,
  smsOffered: z.boolean(),
  privacyPolicy: z.object({ url: z.string().nullable(), version: z.string().nullable() }),
  slotGranularityMinutes: z.number().int().positive(),
  minimumNoticeMinutes: z.number().int().nonnegative(),
  bookingHorizonDays: z.number().int().positive(),
  /** Optional, for the booking site: the number patients call after the cancellation deadline (F9, A3). */
  phone: z.string().nullable().optional(),
  /** Optional, for the booking site: the practice's logo (an address on the site's origin) and main colour. */
  logoUrl: z.string().nullable().optional(),
  brandColour: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .nullable()
    .optional(),
});
export type PracticeView = z.infer<typeof practiceViewSchema>;

/** availability.getCatalogue v1: what a patient may book online, optionally for one visit kind (F1–F4). */
export const getCatalogueRequestV1 = z.object({ visitKind: visitKindSchema.optional() });
export const catalogueViewSchema = z.object({
  groups: z.array(z.object({ id: z.string(), name: localizedTextSchema })),
  appointmentTypes: z.array(
    z.object({
      id: z.string(),
      name: localizedTextSchema,
      durationMinutes: z.number().int().positive(),
      visitKinds: z.array(visitKindSchema).min(1),
      groupId: z.string().nullable(),
      practitionerIds: z.array(z.string()),
    }),
  ),
  practitioners: z.array(
    z.object({ id: z.string(), displayName: z.string(), appointmentTypeIds: z.array(z.string()) }),
  ),
});
export type CatalogueView = z.infer<typeof catalogueViewSchema>;

/**
 * availability.listSlots v1: the free slots of one appointment type from one practitioner, or
 * from whoever is free first ('any', F4), per local day from `from` to `to` (both included).
 * Refused with APPOINTMENT_TYPE_UNKNOWN, PRACTITIONER_UNKNOWN, PRACTITIONER_NOT_OFFERING_TYPE or
 * DATE_RANGE_INVALID.
 */
export const listSlotsRequestV1 = z.object({
  appointmentTypeId: catalogueIdSchema,
  practitionerId: z.union([z.literal('any'), catalogueIdSchema]),
  from: localDateSchema,
  to: localDateSchema,
});
export const slotSchema = z.object({
  start: localInstantSchema,
  end: localInstantSchema,
  practitionerId: z.string(),
});
export const listSlotsReplyV1 = z.object({
  timeZone: z.string(),
  days: z.array(z.object({ date: localDateSchema, slots: z.array(slotSchema) })),
});
export type ListSlotsReply = z.infer<typeof listSlotsReplyV1>;
