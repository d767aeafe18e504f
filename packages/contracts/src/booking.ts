import { z } from 'zod';

export const languageSchema = z.enum(['de', 'fr', 'it', 'en']);
export type Language = z.infer<typeof languageSchema>;

export const instantSchema = z.iso.datetime({ offset: true });

export const patientSchema = z.object({
  firstName: z.string().trim().min(1).max(100),
  lastName: z.string().trim().min(1).max(100),
  email: z.email().max(254),
});
export type Patient = z.infer<typeof patientSchema>;

/** booking.held v1: a slot is held for a patient until `expiresAt` (stage 1 of the double opt-in). */
export const bookingHeldV1 = z.object({
  bookingId: z.uuid(),
  appointmentTypeId: z.string().min(1),
  practitionerId: z.string().min(1),
  start: instantSchema,
  end: instantSchema,
  expiresAt: instantSchema,
  language: languageSchema,
  patient: patientSchema,
});
export type BookingHeldV1 = z.infer<typeof bookingHeldV1>;
