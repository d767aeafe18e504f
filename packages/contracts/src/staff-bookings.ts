import { z } from 'zod';
import { personText, referenceId } from './text.js';
import { bookingSnapshotSchema, bookingStatusSchema, instantSchema } from './booking.js';

/**
 * The practice's own view of its bookings (console): hold-manager answers, the gateway shows it
 * to signed-in staff and records every such read in its audit log.
 */
export const staffBookingViewSchema = bookingSnapshotSchema
  .omit({ occupants: true, occupiedFrom: true, occupiedUntil: true })
  .extend({
    createdAt: instantSchema,
    confirmedAt: instantSchema.nullable(),
    endedAt: instantSchema.nullable(),
  });
export type StaffBookingView = z.infer<typeof staffBookingViewSchema>;

/** booking.list v1: bookings starting in [from, to), by start, a page at a time. */
export const listBookingsRequestV1 = z.object({
  from: instantSchema,
  to: instantSchema,
  statuses: z.array(bookingStatusSchema).min(1).max(5).optional(),
  practitionerId: referenceId().optional(),
  /** From the previous page's `nextCursor`. */
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export const listBookingsReplyV1 = z.object({
  bookings: z.array(staffBookingViewSchema),
  nextCursor: z.string().nullable(),
});

/** booking.find v1: one booking and what happened to it. */
export const findBookingRequestV1 = z.object({ bookingId: z.uuid() });
export const findBookingReplyV1 = z.object({
  booking: staffBookingViewSchema,
  history: z.array(z.object({ at: instantSchema, what: z.string() })),
});

/**
 * booking.cancelByPractice v1: staff cancel a confirmed booking, whatever the cancellation
 * deadline; the patient gets the cancellation message and the slot is offered again.
 */
export const cancelByPracticeRequestV1 = z.object({
  bookingId: z.uuid(),
  reason: personText({ max: 500 }),
});
export const cancelByPracticeReplyV1 = z.object({ bookingId: z.uuid(), status: z.literal('cancelled') });
