import { z } from 'zod';

/**
 * What the console may do about work that stopped: the booking events the practice system refused
 * (parked sync jobs, pixelmedics-sync) and the messages a consumer gave up on (its dead-letter
 * queues). The owner of each answers for its own and does the retry; the console never sees a
 * payload, which may hold personal data.
 */

/** One message parked in a dead-letter queue: its id, type and why, never its payload. */
export const parkedMessageSchema = z.object({
  messageId: z.string().optional(),
  type: z.string().optional(),
  /** `failed` (the consumer gave up after its attempts) or `invalid` (it could not read it). */
  reason: z.string().optional(),
  error: z.string().optional(),
  attempts: z.number().optional(),
});
export const deadLetterQueueSchema = z.object({
  /** The consumer queue whose dead-letter queue this is. */
  queue: z.string(),
  /** How many messages are parked in all; `messages` shows the oldest of them. */
  parked: z.number().int().nonnegative(),
  messages: z.array(parkedMessageSchema),
});
export const listDeadLettersRequestV1 = z.object({ limit: z.number().int().min(1).max(100).default(20) });
export const listDeadLettersReplyV1 = z.object({ queues: z.array(deadLetterQueueSchema) });
/** Every parked message of one consumer queue goes back to it, its attempts counted afresh. */
export const replayDeadLettersRequestV1 = z.object({ queue: z.string().min(1).max(100) });
export const replayDeadLettersReplyV1 = z.object({ queue: z.string(), replayed: z.number().int().nonnegative() });

/** A booking event the practice system refused for good (ADR 40): parked until staff retry it. */
export const parkedSyncJobSchema = z.object({
  seq: z.string().regex(/^[1-9][0-9]{0,18}$/),
  eventType: z.string(),
  bookingId: z.string(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
});
export const listParkedJobsReplyV1 = z.object({ jobs: z.array(parkedSyncJobSchema) });
/** One parked job by its seq, or every parked job. */
export const retryParkedJobsRequestV1 = z.object({ seq: parkedSyncJobSchema.shape.seq.optional() });
export const retryParkedJobsReplyV1 = z.object({ retried: z.array(z.string()) });

/**
 * The dead-letter commands of each service that consumes events, by the service's name. The
 * runtime serves them for every such service; the gateway's console asks each.
 */
export const deadLetterCommandNames = {
  'hold-manager': { list: 'hold.listDeadLetters', replay: 'hold.replayDeadLetters' },
  availability: { list: 'availability.listDeadLetters', replay: 'availability.replayDeadLetters' },
  notification: { list: 'notification.listDeadLetters', replay: 'notification.replayDeadLetters' },
  'pixelmedics-sync': { list: 'sync.listDeadLetters', replay: 'sync.replayDeadLetters' },
} as const;
export type DeadLetterService = keyof typeof deadLetterCommandNames;
export const deadLetterServiceSchema = z.enum(
  Object.keys(deadLetterCommandNames) as [DeadLetterService, ...DeadLetterService[]],
);
