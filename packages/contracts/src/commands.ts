import { z } from 'zod';
import {
  bookingStatusSchema,
  instantSchema,
  languageSchema,
  localizedTextSchema,
  occupancySchema,
  patientSchema,
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
import { queues } from './names.js';
import { importNowReplyV1, importNowRequestV1 } from './practice.js';

/** hold.place v1: the gateway asks hold-manager to hold a slot. */
export const placeHoldRequestV1 = z
  .object({
    appointmentTypeId: z.string().trim().min(1).max(100),
    practitionerId: z.string().trim().min(1).max(100),
    start: instantSchema,
    end: instantSchema,
    language: languageSchema.default('de'),
    /** The confirmation link goes by e-mail, so the address is required. */
    patient: patientSchema.extend({ email: z.email().max(254) }),
  })
  .refine((r) => Date.parse(r.end) > Date.parse(r.start), { message: 'end must be after start', path: ['end'] });

export const placeHoldReplyV1 = z.object({
  bookingId: z.uuid(),
  status: z.literal('held'),
  expiresAt: instantSchema,
});

/**
 * availability.checkSlot v1: is this a slot the practice really offers now (working hours, notice,
 * horizon, type, practitioner, free)? The reply says what the booking would occupy (S6), so the
 * hold-manager can guard every occupant. Refused with SLOT_NOT_OFFERED.
 */
export const checkSlotRequestV1 = z.object({
  appointmentTypeId: z.string().trim().min(1).max(100),
  practitionerId: z.string().trim().min(1).max(100),
  start: instantSchema,
  visitKind: visitKindSchema.optional(),
  /** A booking being moved (F9) does not block its own new slot. */
  ignoreBookingId: z.uuid().optional(),
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
