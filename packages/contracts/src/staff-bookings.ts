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

/**
 * Why the practice system does not have a booking's latest event yet: it refused it for good
 * (`PRACTICE_SYSTEM_REFUSED`), could not be reached or failed for now (`PRACTICE_SYSTEM_UNAVAILABLE`),
 * or the kept event cannot be read (`EVENT_UNREADABLE`).
 */
export const syncErrorCodeSchema = z.enum([
  'PRACTICE_SYSTEM_REFUSED',
  'PRACTICE_SYSTEM_UNAVAILABLE',
  'EVENT_UNREADABLE',
]);
export type SyncErrorCode = z.infer<typeof syncErrorCodeSchema>;

/**
 * A booking's state in the practice system, as pixelmedics-sync knows it (ADR 40): `pending` (an
 * event is on its way or waiting its turn), `synced` (every event applied; `syncedAt` the last),
 * `retrying` (the last attempt failed; tried again at `nextAttemptAt`), `parked` (refused for good,
 * waiting for an admin's retry). `errorCode` says why for the last two; `attempts` counts the tries
 * of the event in question.
 */
export const bookingSyncStateSchema = z.object({
  state: z.enum(['pending', 'synced', 'retrying', 'parked']),
  syncedAt: instantSchema.nullable(),
  nextAttemptAt: instantSchema.nullable(),
  attempts: z.number().int().nonnegative(),
  errorCode: syncErrorCodeSchema.nullable(),
});
export type BookingSyncState = z.infer<typeof bookingSyncStateSchema>;

/** sync.getBookingState v1: the booking's state in the practice system. */
export const getBookingSyncStateRequestV1 = z.object({ bookingId: z.uuid() });
