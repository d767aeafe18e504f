import { z } from 'zod';
import { personText, referenceId } from './text.js';
import { localDateSchema } from './availability.js';
import {
  channelSchema,
  contactMatchesChannel,
  contactRule,
  instantSchema,
  languageSchema,
  localizedTextSchema,
  patientSchema,
  requesterShape,
  visitKindSchema,
} from './booking.js';

/*
 * The waiting list (ADR 26): a patient who finds no suitable slot, or wants an earlier one, waits
 * for an appointment type, optionally a practitioner, and a range of days. hold-manager keeps the
 * list; a freed matching slot is offered to the waiting patients in order of joining, and taking
 * an offer goes through the normal hold path.
 */

export const waitlistEntryStatusSchema = z.enum(['pending', 'waiting', 'booked', 'left', 'removed', 'expired']);
export type WaitlistEntryStatus = z.infer<typeof waitlistEntryStatusSchema>;

const catalogueIdSchema = referenceId();

const joinShape = {
  appointmentTypeId: catalogueIdSchema,
  /** Absent: whoever offers the type. */
  practitionerId: catalogueIdSchema.optional(),
  visitKind: visitKindSchema.optional(),
  /** The days the patient could come, in the practice's zone, both included. */
  firstDay: localDateSchema,
  lastDay: localDateSchema,
  ...requesterShape,
};

/** POST /api/v1/waitlist body: what the patient sends to join the list (double opt-in as for a booking). */
export const joinWaitlistBodyV1 = z.object(joinShape).refine(contactMatchesChannel, contactRule);

/** waitlist.join v1: the gateway adds the client's address, for the limits per address. */
export const joinWaitlistRequestV1 = z
  .object({ ...joinShape, clientAddress: z.string().min(1).max(100).optional() })
  .refine(contactMatchesChannel, contactRule);
export const joinWaitlistReplyV1 = z.object({
  entryId: z.uuid(),
  status: z.literal('pending'),
  /** The patient confirms through the link in the message until then (D3). */
  confirmBy: instantSchema,
});

/** A link token from a waiting-list message (confirm, leave or offer). */
const linkTokenSchema = z.string().trim().min(22).max(200);
export const waitlistTokenRequestV1 = z.object({ token: linkTokenSchema });

export const confirmWaitlistReplyV1 = z.object({
  entryId: z.uuid(),
  status: z.literal('waiting'),
  alreadyConfirmed: z.boolean(),
});
export const leaveWaitlistReplyV1 = z.object({
  entryId: z.uuid(),
  status: z.enum(['left', 'booked', 'removed', 'expired']),
});

/** A freed slot as offered to a waiting patient. */
export const waitlistOfferSchema = z.object({
  offerId: z.uuid(),
  appointmentTypeId: z.string().min(1),
  appointmentTypeName: localizedTextSchema,
  practitionerId: z.string().min(1),
  practitionerName: z.string().min(1),
  timeZone: z.string().min(1),
  start: instantSchema,
  end: instantSchema,
});
export type WaitlistOffer = z.infer<typeof waitlistOfferSchema>;

/** What the offer link shows: the slot, and whether it can still be booked. */
export const getWaitlistOfferReplyV1 = waitlistOfferSchema.extend({
  /** open: bookable now; gone: someone else has it (the patient stays on the list); booked: taken through this offer. */
  state: z.enum(['open', 'gone', 'booked']),
  /** Whether the patient is still on the list (not when they left it, were removed, or it expired). */
  onList: z.boolean(),
  language: languageSchema,
});

/** waitlist.acceptOffer v1: the patient takes the offered slot; the gateway adds the client's address. */
export const acceptWaitlistOfferRequestV1 = waitlistTokenRequestV1.extend({
  clientAddress: z.string().min(1).max(100).optional(),
});
export const acceptWaitlistOfferReplyV1 = z.object({
  bookingId: z.uuid(),
  status: z.literal('confirmed'),
  /** True when this offer had been taken before (a second click). */
  alreadyBooked: z.boolean(),
});

/** The entry as events carry it. */
export const waitlistEntrySnapshotSchema = z.object({
  entryId: z.uuid(),
  status: waitlistEntryStatusSchema,
  appointmentTypeId: z.string().min(1),
  appointmentTypeName: localizedTextSchema,
  practitionerId: z.string().min(1).nullable(),
  practitionerName: z.string().min(1).nullable(),
  visitKind: visitKindSchema.optional(),
  firstDay: localDateSchema,
  lastDay: localDateSchema,
  timeZone: z.string().min(1),
  language: languageSchema,
  channel: channelSchema,
  patient: patientSchema,
});
export type WaitlistEntrySnapshot = z.infer<typeof waitlistEntrySnapshotSchema>;

/** Broadcast (webhooks): a freed slot was offered to a waiting patient. No link token. */
export const waitlistOfferedV1 = z.object({ entry: waitlistEntrySnapshotSchema, offer: waitlistOfferSchema });

const tokenSchema = z.string().min(22).max(200);
/** To notification alone (ADR 72): the confirm link of a new entry. */
export const waitlistJoinedNoticeV1 = z.object({
  entry: waitlistEntrySnapshotSchema,
  confirmToken: tokenSchema,
  confirmBy: instantSchema,
});
/** To notification alone: the patient is on the list; the link to leave it. */
export const waitlistConfirmedNoticeV1 = z.object({ entry: waitlistEntrySnapshotSchema, leaveToken: tokenSchema });
/** To notification alone: the offer link, and the link to leave the list. */
export const waitlistOfferedNoticeV1 = waitlistOfferedV1.extend({ offerToken: tokenSchema, leaveToken: tokenSchema });

/** The practice's view of an entry (console). */
export const staffWaitlistEntrySchema = waitlistEntrySnapshotSchema.extend({
  joinedAt: instantSchema,
  confirmedAt: instantSchema.nullable(),
  endedAt: instantSchema.nullable(),
  bookingId: z.uuid().nullable(),
  offers: z.number().int().nonnegative(),
});
export type StaffWaitlistEntry = z.infer<typeof staffWaitlistEntrySchema>;

/** waitlist.list v1: the entries, in order of joining; by default those still on the list. */
export const listWaitlistRequestV1 = z.object({
  statuses: z.array(waitlistEntryStatusSchema).min(1).max(6).default(['pending', 'waiting']),
  limit: z.number().int().min(1).max(500).default(200),
});
export const listWaitlistReplyV1 = z.object({ entries: z.array(staffWaitlistEntrySchema) });

/** waitlist.remove v1: staff take a patient off the list. */
export const removeWaitlistEntryRequestV1 = z.object({
  entryId: z.uuid(),
  reason: personText({ max: 500 }),
});
export const removeWaitlistEntryReplyV1 = z.object({ entryId: z.uuid(), status: z.literal('removed') });
