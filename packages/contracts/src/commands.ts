import { z } from 'zod';
import { referenceId } from './text.js';
import {
  bookingSnapshotSchema,
  bookingStatusSchema,
  contactMatchesChannel,
  contactRule,
  instantSchema,
  localizedTextSchema,
  occupancySchema,
  requesterShape,
  visitKindSchema,
} from './booking.js';
import {
  getCatalogueRequestV1,
  getPracticeRequestV1,
  catalogueViewSchema,
  listSlotsReplyV1,
  listSlotsRequestV1,
  practiceViewSchema,
} from './availability.js';
import { changeCatalogueRequestV1, staffCatalogueSchema } from './catalogue.js';
import { queues } from './names.js';
import {
  erasePatientMessagesReplyV1,
  erasePatientMessagesRequestV1,
  erasePatientReplyV1,
  erasePatientRequestV1,
  erasePatientSyncReplyV1,
  erasePatientSyncRequestV1,
  exportPatientMessagesReplyV1,
  exportPatientMessagesRequestV1,
  exportPatientReplyV1,
  exportPatientRequestV1,
  exportPatientSyncReplyV1,
  exportPatientSyncRequestV1,
} from './patient-data.js';
import {
  listDeadLettersReplyV1,
  listDeadLettersRequestV1,
  listParkedJobsReplyV1,
  replayDeadLettersReplyV1,
  replayDeadLettersRequestV1,
  retryParkedJobsReplyV1,
  retryParkedJobsRequestV1,
} from './operations.js';
import { importNowReplyV1, importNowRequestV1 } from './practice.js';
import {
  bookingRulesSchema,
  getSettingsRequestV1,
  messageSettingsSchema,
  siteSettingsSchema,
  syncSettingsSchema,
  updateBookingRulesRequestV1,
  updateMessageSettingsRequestV1,
  updateSiteSettingsRequestV1,
  updateSyncSettingsRequestV1,
} from './settings.js';
import {
  bookingSyncStateSchema,
  getBookingSyncStateRequestV1,
  cancelByPracticeReplyV1,
  cancelByPracticeRequestV1,
  findBookingReplyV1,
  findBookingRequestV1,
  listBookingsReplyV1,
  listBookingsRequestV1,
} from './staff-bookings.js';
import {
  acceptWaitlistOfferReplyV1,
  acceptWaitlistOfferRequestV1,
  confirmWaitlistReplyV1,
  getWaitlistOfferReplyV1,
  joinWaitlistReplyV1,
  joinWaitlistRequestV1,
  leaveWaitlistReplyV1,
  listWaitlistReplyV1,
  listWaitlistRequestV1,
  removeWaitlistEntryReplyV1,
  removeWaitlistEntryRequestV1,
  waitlistTokenRequestV1,
} from './waitlist.js';
import {
  addWebhookReplyV1,
  addWebhookRequestV1,
  listWebhooksReplyV1,
  listWebhooksRequestV1,
  rotateWebhookSecretReplyV1,
  rotateWebhookSecretRequestV1,
  setWebhookEnabledRequestV1,
  webhookEndpointViewSchema,
} from './webhooks.js';

const holdBodyShape = {
  appointmentTypeId: referenceId(),
  practitionerId: referenceId(),
  /** The end follows from the appointment type; availability computes it. */
  start: instantSchema,
  visitKind: visitKindSchema.optional(),
  ...requesterShape,
};

/** POST /api/v1/holds body: what the patient sends with a provisional request (F6, F7). */
export const holdBodyV1 = z.object(holdBodyShape).refine(contactMatchesChannel, contactRule);

/**
 * hold.place v1: the gateway asks hold-manager to hold a slot. The gateway adds the request's
 * Idempotency-Key and the client's address (for the open-hold limits of D4).
 */
export const placeHoldRequestV1 = z
  .object({
    ...holdBodyShape,
    idempotencyKey: z.string().min(1).max(200).optional(),
    clientAddress: z.string().min(1).max(100).optional(),
  })
  .refine(contactMatchesChannel, contactRule);

export const placeHoldReplyV1 = z.object({
  bookingId: z.uuid(),
  status: z.literal('held'),
  expiresAt: instantSchema,
});

/**
 * availability.checkSlot v1: is this a slot the practice offers now, by its rules (working hours,
 * absences, holidays, notice, horizon, type, practitioner) and the staff-made entries of the
 * practice calendar? OTK's own bookings play no part: whether a slot is taken, hold-manager alone
 * decides (ADR 21). The reply says what the booking would occupy (S6), so the hold-manager can
 * guard every occupant. Refused with SLOT_NOT_OFFERED, whose `details.reason` is 'busy' (offered
 * but for an entry of the practice calendar) or 'not-offered'.
 */
export const checkSlotRequestV1 = z.object({
  appointmentTypeId: z.string().trim().min(1).max(100),
  practitionerId: z.string().trim().min(1).max(100),
  start: instantSchema,
  visitKind: visitKindSchema.optional(),
});
export const checkSlotReplyV1 = occupancySchema.extend({
  appointmentTypeId: z.string(),
  appointmentTypeName: localizedTextSchema,
  practitionerId: z.string(),
  practitionerName: z.string(),
  timeZone: z.string(),
  start: instantSchema,
  end: instantSchema,
});

/**
 * hold.listActive v1: the occupancies of every active booking (held and not expired, or confirmed)
 * that ends after `from`; availability rebuilds its busy index from it at start.
 */
export const listActiveRequestV1 = z.object({ from: instantSchema });
export const listActiveReplyV1 = z.object({
  bookings: z.array(
    occupancySchema.extend({ bookingId: z.uuid(), status: bookingStatusSchema, expiresAt: instantSchema.nullable() }),
  ),
});

/** A link token from a patient's message (confirm or manage). */
const linkTokenSchema = z.string().trim().min(22).max(200);

/** booking.confirm v1: stage 2 of the double opt-in (F8), with the confirm token. */
export const confirmBookingRequestV1 = z.object({ token: linkTokenSchema });
export const confirmBookingReplyV1 = z.object({
  bookingId: z.uuid(),
  status: z.literal('confirmed'),
  /** True when the booking was confirmed before (a second click on the link). */
  alreadyConfirmed: z.boolean(),
});

/** booking.withdraw v1: the patient drops a provisional request, with the confirm token. */
export const withdrawBookingRequestV1 = z.object({ token: linkTokenSchema });
export const withdrawBookingReplyV1 = z.object({ bookingId: z.uuid(), status: z.literal('withdrawn') });

/** What the patient sees through the manage link (F9). */
export const bookingViewSchema = bookingSnapshotSchema
  .omit({ occupants: true, occupiedFrom: true, occupiedUntil: true })
  .extend({
    /** False once the cancellation deadline has passed or the booking is no longer confirmed. */
    changeable: z.boolean(),
  });
export type BookingView = z.infer<typeof bookingViewSchema>;

/** booking.get v1: the booking behind a manage token. */
export const getBookingRequestV1 = z.object({ token: linkTokenSchema });

/** booking.change v1: moves a confirmed booking to another offered slot, atomically (F9). */
export const changeBookingRequestV1 = z.object({
  token: linkTokenSchema,
  start: instantSchema,
  /** Another practitioner offering the same type; default: the booking's own. */
  practitionerId: referenceId().optional(),
});

/** booking.cancel v1: cancels a confirmed booking before the cancellation deadline (F9, A3). */
export const cancelBookingRequestV1 = z.object({ token: linkTokenSchema });
export const cancelBookingReplyV1 = z.object({ bookingId: z.uuid(), status: z.literal('cancelled') });

/** `<prefix>.listDeadLetters` and `<prefix>.replayDeadLetters` on a service's RPC queue. */
function deadLetterCommands<P extends string, Q extends string>(prefix: P, queue: Q) {
  return {
    [`${prefix}.listDeadLetters`]: {
      version: 1,
      queue,
      request: listDeadLettersRequestV1,
      reply: listDeadLettersReplyV1,
    },
    [`${prefix}.replayDeadLetters`]: {
      version: 1,
      queue,
      request: replayDeadLettersRequestV1,
      reply: replayDeadLettersReplyV1,
    },
  } as Record<
    `${P}.listDeadLetters`,
    { version: 1; queue: Q; request: typeof listDeadLettersRequestV1; reply: typeof listDeadLettersReplyV1 }
  > &
    Record<
      `${P}.replayDeadLetters`,
      { version: 1; queue: Q; request: typeof replayDeadLettersRequestV1; reply: typeof replayDeadLettersReplyV1 }
    >;
}

/**
 * booking.issueManageToken v1: notification asks for a fresh manage link for a reminder, days
 * after the confirmation whose token it never keeps (ADR 36). The reply says where the booking
 * stands; a token (valid until the start) comes only for a confirmed booking that has not begun.
 */
export const issueManageTokenRequestV1 = z.object({ bookingId: z.uuid() });
export const issueManageTokenReplyV1 = z.object({
  status: bookingStatusSchema,
  start: instantSchema,
  manageToken: linkTokenSchema.nullable(),
});

/** notification.optOutReminders v1: the patient follows the opt-out link of a reminder. */
export const optOutRemindersRequestV1 = z.object({ token: linkTokenSchema });
export const optOutRemindersReplyV1 = z.object({ optedOut: z.literal(true) });

/**
 * Every RPC command: its name, the queue its server listens on, and request and reply schemas.
 * Both sides validate against these.
 */
export const commands = {
  'hold.place': { version: 1, queue: queues.holdManagerRpc, request: placeHoldRequestV1, reply: placeHoldReplyV1 },
  'hold.listActive': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: listActiveRequestV1,
    reply: listActiveReplyV1,
  },
  'booking.confirm': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: confirmBookingRequestV1,
    reply: confirmBookingReplyV1,
  },
  'booking.withdraw': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: withdrawBookingRequestV1,
    reply: withdrawBookingReplyV1,
  },
  'booking.get': { version: 1, queue: queues.holdManagerRpc, request: getBookingRequestV1, reply: bookingViewSchema },
  'booking.change': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: changeBookingRequestV1,
    reply: bookingViewSchema,
  },
  'booking.cancel': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: cancelBookingRequestV1,
    reply: cancelBookingReplyV1,
  },
  'booking.issueManageToken': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: issueManageTokenRequestV1,
    reply: issueManageTokenReplyV1,
  },
  'availability.checkSlot': {
    version: 1,
    queue: queues.availabilityRpc,
    request: checkSlotRequestV1,
    reply: checkSlotReplyV1,
  },
  'availability.getPractice': {
    version: 1,
    queue: queues.availabilityRpc,
    request: getPracticeRequestV1,
    reply: practiceViewSchema,
  },
  'availability.getCatalogue': {
    version: 1,
    queue: queues.availabilityRpc,
    request: getCatalogueRequestV1,
    reply: catalogueViewSchema,
  },
  'availability.listSlots': {
    version: 1,
    queue: queues.availabilityRpc,
    request: listSlotsRequestV1,
    reply: listSlotsReplyV1,
  },
  'practice.importNow': {
    version: 1,
    queue: queues.pixelmedicsSyncRpc,
    request: importNowRequestV1,
    reply: importNowReplyV1,
  },
  // The console's view of the bookings.
  'booking.list': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: listBookingsRequestV1,
    reply: listBookingsReplyV1,
  },
  'booking.find': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: findBookingRequestV1,
    reply: findBookingReplyV1,
  },
  'booking.cancelByPractice': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: cancelByPracticeRequestV1,
    reply: cancelByPracticeReplyV1,
  },
  // The waiting list (ADR 26): the patient's steps, then the console's.
  'waitlist.join': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: joinWaitlistRequestV1,
    reply: joinWaitlistReplyV1,
  },
  'waitlist.confirm': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: waitlistTokenRequestV1,
    reply: confirmWaitlistReplyV1,
  },
  'waitlist.leave': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: waitlistTokenRequestV1,
    reply: leaveWaitlistReplyV1,
  },
  'waitlist.getOffer': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: waitlistTokenRequestV1,
    reply: getWaitlistOfferReplyV1,
  },
  'waitlist.acceptOffer': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: acceptWaitlistOfferRequestV1,
    reply: acceptWaitlistOfferReplyV1,
  },
  'waitlist.list': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: listWaitlistRequestV1,
    reply: listWaitlistReplyV1,
  },
  'waitlist.remove': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: removeWaitlistEntryRequestV1,
    reply: removeWaitlistEntryReplyV1,
  },
  // The console's settings, each at its owner (ADR 24); an update answers with the whole new part.
  'hold.getSettings': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: getSettingsRequestV1,
    reply: bookingRulesSchema,
  },
  'hold.updateSettings': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: updateBookingRulesRequestV1,
    reply: bookingRulesSchema,
  },
  'availability.getSettings': {
    version: 1,
    queue: queues.availabilityRpc,
    request: getSettingsRequestV1,
    reply: siteSettingsSchema,
  },
  'availability.updateSettings': {
    version: 1,
    queue: queues.availabilityRpc,
    request: updateSiteSettingsRequestV1,
    reply: siteSettingsSchema,
  },
  // The console's catalogue editor; availability owns the catalogue (ADR 24).
  'availability.getStaffCatalogue': {
    version: 1,
    queue: queues.availabilityRpc,
    request: getSettingsRequestV1,
    reply: staffCatalogueSchema,
  },
  'availability.changeCatalogue': {
    version: 1,
    queue: queues.availabilityRpc,
    request: changeCatalogueRequestV1,
    reply: staffCatalogueSchema,
  },
  'notification.getSettings': {
    version: 1,
    queue: queues.notificationRpc,
    request: getSettingsRequestV1,
    reply: messageSettingsSchema,
  },
  'notification.updateSettings': {
    version: 1,
    queue: queues.notificationRpc,
    request: updateMessageSettingsRequestV1,
    reply: messageSettingsSchema,
  },
  'notification.optOutReminders': {
    version: 1,
    queue: queues.notificationRpc,
    request: optOutRemindersRequestV1,
    reply: optOutRemindersReplyV1,
  },
  // The console's webhook endpoints, which notification owns (ADR 34).
  'notification.listWebhooks': {
    version: 1,
    queue: queues.notificationRpc,
    request: listWebhooksRequestV1,
    reply: listWebhooksReplyV1,
  },
  'notification.addWebhook': {
    version: 1,
    queue: queues.notificationRpc,
    request: addWebhookRequestV1,
    reply: addWebhookReplyV1,
  },
  'notification.setWebhookEnabled': {
    version: 1,
    queue: queues.notificationRpc,
    request: setWebhookEnabledRequestV1,
    reply: webhookEndpointViewSchema,
  },
  'notification.rotateWebhookSecret': {
    version: 1,
    queue: queues.notificationRpc,
    request: rotateWebhookSecretRequestV1,
    reply: rotateWebhookSecretReplyV1,
  },
  'sync.getSettings': {
    version: 1,
    queue: queues.pixelmedicsSyncRpc,
    request: getSettingsRequestV1,
    reply: syncSettingsSchema,
  },
  'sync.updateSettings': {
    version: 1,
    queue: queues.pixelmedicsSyncRpc,
    request: updateSyncSettingsRequestV1,
    reply: syncSettingsSchema,
  },
  // A patient's export and erasure: each service for what it keeps (ADR 73).
  'hold.exportPatient': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: exportPatientRequestV1,
    reply: exportPatientReplyV1,
  },
  'hold.erasePatient': {
    version: 1,
    queue: queues.holdManagerRpc,
    request: erasePatientRequestV1,
    reply: erasePatientReplyV1,
  },
  'notification.exportPatient': {
    version: 1,
    queue: queues.notificationRpc,
    request: exportPatientMessagesRequestV1,
    reply: exportPatientMessagesReplyV1,
  },
  'notification.erasePatient': {
    version: 1,
    queue: queues.notificationRpc,
    request: erasePatientMessagesRequestV1,
    reply: erasePatientMessagesReplyV1,
  },
  'sync.exportPatient': {
    version: 1,
    queue: queues.pixelmedicsSyncRpc,
    request: exportPatientSyncRequestV1,
    reply: exportPatientSyncReplyV1,
  },
  'sync.erasePatient': {
    version: 1,
    queue: queues.pixelmedicsSyncRpc,
    request: erasePatientSyncRequestV1,
    reply: erasePatientSyncReplyV1,
  },
  // The console's view of stopped work, each at its owner (operations.ts).
  'sync.listParkedJobs': {
    version: 1,
    queue: queues.pixelmedicsSyncRpc,
    request: getSettingsRequestV1,
    reply: listParkedJobsReplyV1,
  },
  'sync.retryParkedJobs': {
    version: 1,
    queue: queues.pixelmedicsSyncRpc,
    request: retryParkedJobsRequestV1,
    reply: retryParkedJobsReplyV1,
  },
  // A booking's state in the practice system, for the console's booking detail.
  'sync.getBookingState': {
    version: 1,
    queue: queues.pixelmedicsSyncRpc,
    request: getBookingSyncStateRequestV1,
    reply: bookingSyncStateSchema,
  },
  ...deadLetterCommands('hold', queues.holdManagerRpc),
  ...deadLetterCommands('availability', queues.availabilityRpc),
  ...deadLetterCommands('notification', queues.notificationRpc),
  ...deadLetterCommands('sync', queues.pixelmedicsSyncRpc),
} as const;

export type CommandName = keyof typeof commands;
export type CommandRequest<N extends CommandName> = z.input<(typeof commands)[N]['request']>;
export type CommandRequestParsed<N extends CommandName> = z.output<(typeof commands)[N]['request']>;
export type CommandReply<N extends CommandName> = z.infer<(typeof commands)[N]['reply']>;

/** What an RPC server sends back: the reply, or an error with a stable code (see errors.ts). */
export const rpcResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
  }),
]);
export type RpcResponse = z.infer<typeof rpcResponseSchema>;
