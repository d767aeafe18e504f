import { z } from 'zod';
import { personText } from './text.js';
import { channelSchema, instantSchema, languageSchema, requiredPatientFieldsSchema } from './booking.js';

/**
 * The practice settings the administration console edits, each part with its one owner (ADR 24):
 * hold-manager the booking rules, availability the booking site's rules and the practice profile,
 * notification the staff copies, pixelmedics-sync the practice calendar's online colour. The
 * gateway asks each owner and never reads their tables.
 */

const colourSchema = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'a colour as #RRGGBB');
const emptyRequest = z.object({});

/** hold-manager: A1 and A3. Read back as stored (a deployment may hold values outside the console's ranges). */
export const bookingRulesSchema = z.object({
  confirmationWindowMinutes: z.number().nonnegative(),
  cancellationDeadlineHours: z.number().nonnegative(),
});
export const updateBookingRulesRequestV1 = z
  .object({
    confirmationWindowMinutes: z.number().int().min(5).max(120),
    cancellationDeadlineHours: z.number().int().min(0).max(168),
  })
  .partial();
export type BookingRules = z.infer<typeof bookingRulesSchema>;

/** The practice as patients and messages see it: one owner (availability) publishes every change. */
export const practiceProfileSchema = z.object({
  name: personText({ max: 200 }),
  address: personText({ min: 0, max: 500 }),
  phone: personText({ min: 0, max: 50 }).nullable(),
  /** An address of the logo, usually on the booking site's own origin. */
  logoUrl: z
    .string()
    .trim()
    .max(500)
    .regex(/^(https?:\/\/|\/)\S*$/, 'an http(s) address or a path on the site')
    .nullable(),
  colour: colourSchema.nullable(),
  languages: z
    .array(languageSchema)
    .min(1)
    .refine((list) => new Set(list).size === list.length, 'each language once'),
  defaultLanguage: languageSchema,
  smsEnabled: z.boolean(),
});
export type PracticeProfile = z.infer<typeof practiceProfileSchema>;

/** availability: the booking site's rules (F1, F2, F6, horizon, notice) and the practice profile. */
export const siteSettingsSchema = z.object({
  bookingHorizonDays: z.number().int().min(1).max(730),
  minimumNoticeMinutes: z.number().int().min(0).max(20160),
  steps: z.object({ visitKind: z.boolean(), appointmentGroup: z.boolean() }),
  requiredPatientFields: requiredPatientFieldsSchema,
  profile: practiceProfileSchema,
});
export type SiteSettings = z.infer<typeof siteSettingsSchema>;
export const updateSiteSettingsRequestV1 = z.object({
  bookingHorizonDays: siteSettingsSchema.shape.bookingHorizonDays.optional(),
  minimumNoticeMinutes: siteSettingsSchema.shape.minimumNoticeMinutes.optional(),
  steps: siteSettingsSchema.shape.steps.partial().optional(),
  requiredPatientFields: requiredPatientFieldsSchema.optional(),
  profile: practiceProfileSchema.partial().optional(),
});

/** notification: A2, copies of every patient message to the practice's own addresses. */
export const staffCopiesSchema = z.object({
  enabled: z.boolean(),
  addresses: z
    .array(z.email().max(254))
    .max(10)
    .refine((list) => new Set(list.map((a) => a.toLowerCase())).size === list.length, 'each address once'),
});
/**
 * notification: the appointment reminders, each an offset before the start and a channel (e.g.
 * e-mail 48 h before, SMS 2 h before). Empty: no reminders. At most one per offset and channel.
 */
export const reminderSchema = z.object({
  hoursBefore: z.number().int().min(1).max(336),
  channel: channelSchema,
});
export type Reminder = z.infer<typeof reminderSchema>;
export const remindersSchema = z
  .array(reminderSchema)
  .max(5)
  .refine(
    (list) => new Set(list.map((r) => `${r.hoursBefore}:${r.channel}`)).size === list.length,
    'each offset and channel once',
  );
export const messageSettingsSchema = z.object({ staffCopies: staffCopiesSchema, reminders: remindersSchema });
export const updateMessageSettingsRequestV1 = z.object({
  staffCopies: staffCopiesSchema.optional(),
  reminders: remindersSchema.optional(),
});

/** pixelmedics-sync: A4, the colour of online appointments in the practice calendar. */
export const syncSettingsSchema = z.object({ onlineColour: colourSchema });
export const updateSyncSettingsRequestV1 = syncSettingsSchema.partial();

export const getSettingsRequestV1 = emptyRequest;

/**
 * practice.profileChanged v1: availability, the profile's owner, changed it. Every service that
 * shows the practice (notification's messages) keeps a copy and applies only a newer `changedAt`.
 */
export const practiceProfileChangedV1 = practiceProfileSchema.extend({ changedAt: instantSchema });
