import { z } from 'zod';
import { instantSchema, languageSchema, patientSchema } from './booking.js';
import { queues } from './names.js';

/** hold.place v1: the gateway asks hold-manager to hold a slot. */
export const placeHoldRequestV1 = z
  .object({
    appointmentTypeId: z.string().trim().min(1).max(100),
    practitionerId: z.string().trim().min(1).max(100),
    start: instantSchema,
    end: instantSchema,
    language: languageSchema.default('de'),
    patient: patientSchema,
  })
  .refine((r) => Date.parse(r.end) > Date.parse(r.start), { message: 'end must be after start', path: ['end'] });

export const placeHoldReplyV1 = z.object({
  bookingId: z.uuid(),
  status: z.literal('held'),
  expiresAt: instantSchema,
});

/**
 * Every RPC command: its name, the queue its server listens on, and request and reply schemas.
 * Both sides validate against these.
 */
export const commands = {
  'hold.place': { version: 1, queue: queues.holdManagerRpc, request: placeHoldRequestV1, reply: placeHoldReplyV1 },
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
