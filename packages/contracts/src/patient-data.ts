import { z } from 'zod';
import { channelSchema, instantSchema } from './booking.js';
import { staffBookingViewSchema } from './staff-bookings.js';

/**
 * A patient's right of access and erasure (ADR 73). Staff start from one booking; hold-manager
 * finds the patient's other bookings by the same rule the practice system matches contacts by
 * (S1), and each service exports or erases what it keeps about those bookings. The gateway asks
 * each owner and never reads their tables.
 */

/** How hold-manager recognised the patient's other bookings. */
export const patientMatchSchema = z.enum(['name-and-birth-date', 'name-and-contact']);

const bookingIdsRequest = z.object({ bookingIds: z.array(z.uuid()).min(1).max(1000) });

/** hold.exportPatient v1: the bookings of the patient of one booking, with history and consent. */
export const exportPatientRequestV1 = z.object({ bookingId: z.uuid() });
export const exportPatientReplyV1 = z.object({
  matchedBy: patientMatchSchema,
  bookings: z.array(
    staffBookingViewSchema.extend({
      history: z.array(z.object({ at: instantSchema, what: z.string() })),
      /** The consent to the privacy policy given with the request (F7): when, and which version was shown. */
      consent: z.object({ acceptedAt: instantSchema, privacyPolicyVersion: z.string() }),
    }),
  ),
});

/**
 * hold.erasePatient v1: deletes the patient's bookings, their link tokens and what their published
 * events still hold. Refused with ERASURE_BLOCKED while one of them is held or still to come, or
 * while one of their events is not yet published. Asked again, it answers the bookings of the
 * earlier erasure with nothing left to erase, so the other services can be asked again too.
 */
export const erasePatientRequestV1 = z.object({ bookingId: z.uuid() });
export const erasePatientReplyV1 = z.object({
  bookingIds: z.array(z.uuid()).min(1),
  alreadyErased: z.boolean(),
  erased: z.object({
    bookings: z.number().int().nonnegative(),
    linkTokens: z.number().int().nonnegative(),
    eventData: z.number().int().nonnegative(),
  }),
});

/** notification.exportPatient v1: the messages sent about these bookings, and the webhook deliveries. */
export const exportPatientMessagesRequestV1 = bookingIdsRequest;
export const exportPatientMessagesReplyV1 = z.object({
  messages: z.array(
    z.object({
      bookingId: z.uuid(),
      kind: z.string(),
      /** `staff`: a copy to the practice's own address, which is not shown here. */
      audience: z.enum(['patient', 'staff']),
      channel: channelSchema,
      recipient: z.string().nullable(),
      status: z.string(),
      attempts: z.number().int(),
      createdAt: instantSchema,
      sentAt: instantSchema.nullable(),
    }),
  ),
  webhookDeliveries: z.array(
    z.object({
      bookingId: z.uuid(),
      eventType: z.string(),
      endpointUrl: z.string(),
      /** What of the patient's data the endpoint receives: none, contact or full. */
      personalData: z.string(),
      status: z.string(),
      occurredAt: instantSchema,
      finishedAt: instantSchema.nullable(),
    }),
  ),
});

/** notification.erasePatient v1: deletes the message log and the finished webhook deliveries. */
export const erasePatientMessagesRequestV1 = bookingIdsRequest;
export const erasePatientMessagesReplyV1 = z.object({
  erased: z.object({ messages: z.number().int().nonnegative(), webhookDeliveries: z.number().int().nonnegative() }),
  /** Deliveries still owed to the practice's endpoints: erased by a later erasure once delivered. */
  pending: z.object({ webhookDeliveries: z.number().int().nonnegative() }),
});

/** sync.exportPatient v1: the copies of the bookings' events kept for the practice system, and its ids. */
export const exportPatientSyncRequestV1 = bookingIdsRequest;
export const exportPatientSyncReplyV1 = z.object({
  syncJobs: z.array(
    z.object({
      bookingId: z.uuid(),
      eventType: z.string(),
      status: z.string(),
      occurredAt: instantSchema,
      receivedAt: instantSchema,
      doneAt: instantSchema.nullable(),
      /** The copy of the event as kept: the booking with the patient's data at that moment. */
      data: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  practiceSystemLinks: z.array(
    z.object({
      bookingId: z.uuid(),
      calendarEntryId: z.string().nullable(),
      contactId: z.string().nullable(),
      prospectCreated: z.boolean(),
    }),
  ),
});

/** sync.erasePatient v1: deletes applied and failed sync jobs and the links to the practice system. */
export const erasePatientSyncRequestV1 = bookingIdsRequest;
export const erasePatientSyncReplyV1 = z.object({
  erased: z.object({ syncJobs: z.number().int().nonnegative(), practiceSystemLinks: z.number().int().nonnegative() }),
  /** Changes still on their way to the practice system: erased by a later erasure once applied. */
  pending: z.object({ syncJobs: z.number().int().nonnegative() }),
});

export type PatientExport = z.infer<typeof exportPatientReplyV1>;
