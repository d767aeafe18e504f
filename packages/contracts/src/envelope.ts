import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** Every message on the broker travels in this envelope; `data` is validated per `type` and `version`. */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(200),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.unknown(),
});

export type Envelope<T = unknown> = Omit<z.infer<typeof envelopeSchema>, 'data'> & { data: T };

export function envelope<T>(type: string, version: number, data: T, occurredAt = new Date()): Envelope<T> {
  return { id: randomUUID(), type, version, occurredAt: occurredAt.toISOString(), data };
}
