import { z } from 'zod';
import { personText } from './text.js';

export const languageSchema = z.enum(['de', 'fr', 'it', 'en']);
export type Language = z.infer<typeof languageSchema>;

export const instantSchema = z.iso.datetime({ offset: true });
/** A text in each of the practice's languages; German is always there (the fallback). */
export const localizedTextSchema = z.object({
  de: z.string().min(1),
  fr: z.string().min(1).optional(),
  it: z.string().min(1).optional(),
  en: z.string().min(1).optional(),
});
export type LocalizedText = z.infer<typeof localizedTextSchema>;
export const visitKindSchema = z.enum(['first', 'followup']);
export type VisitKind = z.infer<typeof visitKindSchema>;
export const channelSchema = z.enum(['email', 'sms']);
export type Channel = z.infer<typeof channelSchema>;
export const genderSchema = z.enum(['female', 'male', 'diverse', 'unknown']);

/** The oldest person a practice sees, in years: a birth date further back is a typing error. */
const oldestAgeYears = 130;

/**
 * A real calendar date (yyyy-MM-dd) that lies in the past and at most 130 years back. "Today" is
 * taken a day wide either way, so a birth date entered in any time zone is judged alike.
 */
function birthDateSchema() {
  return z.iso.date().refine(
    (date) => {
      const now = Date.now();
      const latest = new Date(now + 86_400_000).toISOString().slice(0, 10);
      const earliest = new Date(now - 86_400_000);
      earliest.setUTCFullYear(earliest.getUTCFullYear() - oldestAgeYears);
      return date <= latest && date >= earliest.toISOString().slice(0, 10);
    },
    { message: `must be a date in the past, at most ${oldestAgeYears} years ago` },
  );
}

/**
 * What a patient enters (F6). Which fields are required is a practice setting, checked where the
 * request arrives; the message schema only fixes their shape.
 */
export const patientSchema = z.object({
  firstName: personText({ max: 100 }),
  lastName: personText({ max: 100 }),
  birthDate: birthDateSchema().optional(),
  gender: genderSchema.optional(),
  street: personText({ max: 200 }).optional(),
  postcode: personText({ max: 20 }).optional(),
  town: personText({ max: 100 }).optional(),
  /** ISO 3166-1 alpha-2, e.g. CH. */
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code')
    .transform((c) => c.toUpperCase())
    .optional(),
  /** E.164, e.g. +41791234567. */
  phone: z
    .string()
    .trim()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be an international number such as +41791234567')
    .optional(),
  email: z.email().max(254).optional(),
});
export type Patient = z.infer<typeof patientSchema>;

/** A request's chosen channel needs its contact: e-mail an address, SMS a phone number (D1). */
export function contactMatchesChannel(r: {
  channel: 'email' | 'sms';
  patient: { email?: string; phone?: string };
}): boolean {
  return r.channel === 'email' ? r.patient.email !== undefined : r.patient.phone !== undefined;
}
export const contactRule = {
  message: 'the channel needs a contact: email for e-mail, phone for SMS',
  path: ['patient'],
};

/** The patient's consent to the privacy policy (F7), stored with its time and the policy version. */
export const consentSchema = z.object({
  accepted: z.literal(true),
  privacyPolicyVersion: personText({ max: 50 }),
});

/**
 * Who asks, in which language, where the link goes (D1: e-mail needs an address, SMS a phone
 * number) and their consent (F7): the same for a provisional request and a place on the waiting list.
 */
export const requesterShape = {
  channel: channelSchema,
  language: languageSchema.default('de'),
  patient: patientSchema,
  consent: consentSchema,
};
/**
 * The patient fields a practice may require besides the names (F6). The names are always required,
 * and so is the contact the confirmation link goes to (e-mail or phone, by channel).
 */
export const requirablePatientFieldSchema = z.enum([
  'birthDate',
  'gender',
  'street',
  'postcode',
  'town',
  'country',
  'phone',
  'email',
]);
export type RequirablePatientField = z.infer<typeof requirablePatientFieldSchema>;
export const requiredPatientFieldsSchema = z
  .array(requirablePatientFieldSchema)
  .max(requirablePatientFieldSchema.options.length)
  .refine((list) => new Set(list).size === list.length, 'each field once');

/** The required fields the patient left out, as paths of the hold request (`patient.street`). */
export function missingPatientFields(patient: Patient, required: readonly RequirablePatientField[]): string[] {
  return required.filter((field) => patient[field] === undefined).map((field) => `patient.${field}`);
}

/** Who or what a booking occupies: its practitioner and every calendar/resource linked to them (S6). */
export const occupantSchema = z.object({
  kind: z.enum(['practitioner', 'resource']),
  id: z.string().min(1).max(100),
});
export type Occupant = z.infer<typeof occupantSchema>;

/** The time a booking blocks: its appointment widened by the type's buffers, on each occupant. */
export const occupancySchema = z.object({
  occupiedFrom: instantSchema,
  occupiedUntil: instantSchema,
  occupants: z.array(occupantSchema).min(1),
});
export type Occupancy = z.infer<typeof occupancySchema>;

export const bookingStatusSchema = z.enum(['held', 'confirmed', 'expired', 'withdrawn', 'cancelled']);
export type BookingStatus = z.infer<typeof bookingStatusSchema>;

/**
 * The booking as it stands after the transition an event reports. Names travel with the ids so
 * that consumers (messages, practice calendar) need not ask anyone.
 */
export const bookingSnapshotSchema = occupancySchema.extend({
  bookingId: z.uuid(),
  status: bookingStatusSchema,
  appointmentTypeId: z.string().min(1),
  appointmentTypeName: localizedTextSchema,
  practitionerId: z.string().min(1),
  practitionerName: z.string().min(1),
  /** IANA zone of the practice: every time shown to a person is in it (never UTC). */
  timeZone: z.string().min(1),
  visitKind: visitKindSchema.optional(),
  start: instantSchema,
  end: instantSchema,
  /** Deadline of a held booking (D3); null once it is no longer held. */
  expiresAt: instantSchema.nullable(),
  /** Until when the patient may change or cancel online (A3); later they must call. */
  changeableUntil: instantSchema,
  language: languageSchema,
  channel: channelSchema,
  patient: patientSchema,
});
export type BookingSnapshot = z.infer<typeof bookingSnapshotSchema>;

/**
 * Broadcast to every consumer of booking events: no link token ever travels in these (the patient's
 * links reach notification alone, in the notices below).
 */
export const bookingHeldV1 = z.object({ booking: bookingSnapshotSchema });
export const bookingConfirmedV1 = z.object({ booking: bookingSnapshotSchema });
export const bookingExpiredV1 = z.object({ booking: bookingSnapshotSchema });
export const bookingWithdrawnV1 = z.object({ booking: bookingSnapshotSchema });
const previousSlotSchema = occupancySchema.extend({
  practitionerId: z.string().min(1),
  start: instantSchema,
  end: instantSchema,
});
export const bookingChangedV1 = z.object({ booking: bookingSnapshotSchema, previous: previousSlotSchema });
export const bookingCancelledV1 = z.object({
  booking: bookingSnapshotSchema,
  /** Who cancelled: the patient through the manage link (absent in older events) or the practice. */
  cancelledBy: z.enum(['patient', 'practice']).optional(),
  /** The practice's reason, written for the patient (only when the practice cancelled). */
  reason: z.string().trim().min(1).max(500).optional(),
});

/**
 * Raw link tokens (the database keeps only their hashes) travel only in these notices, which go
 * to notification alone on the `notices` exchange, so that it can put them into the message to the
 * patient. Nobody logs them; the outbox drops them once they are published.
 */
const tokenSchema = z.string().min(22).max(200);

export const bookingHeldNoticeV1 = bookingHeldV1.extend({ confirmToken: tokenSchema });
export const bookingConfirmedNoticeV1 = bookingConfirmedV1.extend({ manageToken: tokenSchema });
export const bookingChangedNoticeV1 = bookingChangedV1.extend({ manageToken: tokenSchema });

export type BookingHeldV1 = z.infer<typeof bookingHeldV1>;

/**
 * Internal to hold-manager: published with a delay of the confirmation window when a hold is
 * placed, so the hold lapses on time (D3). Nobody else binds to it.
 */
export const holdExpiryDueV1 = z.object({ bookingId: z.uuid(), expiresAt: instantSchema });
