import { z } from 'zod';
import { personText } from './text.js';
import { instantSchema } from './booking.js';

/**
 * The console's view of the practice's webhook endpoints (ADR 34), which notification owns: the
 * endpoints with their state and recent deliveries, adding one, switching one on or off, and a
 * new signing secret. A secret is answered only by adding and rotating, once; never listed.
 */

/** The events an endpoint may subscribe to: the booking events a patient hears about. */
export const webhookEventTypeSchema = z.enum([
  'booking.held',
  'booking.confirmed',
  'booking.changed',
  'booking.cancelled',
  'booking.expired',
  'waitlist.offered',
]);
/** none: ids and times; contact: plus name, e-mail, phone; full: plus birth date, gender, address. */
export const personalDataLevelSchema = z.enum(['none', 'contact', 'full']);

export const webhookEndpointViewSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string(),
  events: z.array(webhookEventTypeSchema),
  personalData: personalDataLevelSchema,
  enabled: z.boolean(),
  disabledReason: z.enum(['operator', 'failing']).nullable(),
  consecutiveFailures: z.number().int().nonnegative(),
  /** While a rotation is under way: when the previous secret stops signing. */
  previousSecretUntil: instantSchema.nullable(),
});
export type WebhookEndpointView = z.infer<typeof webhookEndpointViewSchema>;

/** One delivery of the log: states and codes, never a payload. */
export const webhookDeliveryViewSchema = z.object({
  deliveryId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  bookingId: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  lastHttpStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: instantSchema.nullable(),
  createdAt: instantSchema,
  finishedAt: instantSchema.nullable(),
});

export const listWebhooksRequestV1 = z.object({});
export const listWebhooksReplyV1 = z.object({
  endpoints: z.array(webhookEndpointViewSchema.extend({ recentDeliveries: z.array(webhookDeliveryViewSchema) })),
});

export const addWebhookRequestV1 = z
  .object({
    url: z.string().trim().min(1).max(2000),
    description: personText({ min: 0, max: 500 }).default(''),
    /** Default: every event type. */
    events: z
      .array(webhookEventTypeSchema)
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'each event type once')
      .optional(),
    personalData: personalDataLevelSchema.default('none'),
  })
  .strict();
export const addWebhookReplyV1 = z.object({ endpoint: webhookEndpointViewSchema, secret: z.string() });

const endpointId = { id: z.uuid() };
export const setWebhookEnabledRequestV1 = z.object({ ...endpointId, enabled: z.boolean() });
export const rotateWebhookSecretRequestV1 = z.object({
  ...endpointId,
  /** How long the previous secret still signs, beside the new one. */
  graceHours: z.number().int().min(0).max(720).default(24),
});
export const rotateWebhookSecretReplyV1 = z.object({
  id: z.uuid(),
  secret: z.string(),
  previousSecretUntil: instantSchema,
});
