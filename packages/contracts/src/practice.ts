import { z } from 'zod';
import { instantSchema } from './booking.js';

/**
 * practice.busyTimesImported v1: the staff-made entries of the practice calendar in [from, to),
 * read from the practice system. It replaces every earlier import for that window, so a deleted
 * entry disappears too. Availability blocks these times.
 */
export const busyTimesImportedV1 = z.object({
  from: instantSchema,
  to: instantSchema,
  busyTimes: z.array(
    z.object({
      entryId: z.string().min(1),
      start: instantSchema,
      end: instantSchema,
      practitionerId: z.string().min(1).nullable(),
      resourceIds: z.array(z.string().min(1)),
    }),
  ),
});
export type BusyTimesImportedV1 = z.infer<typeof busyTimesImportedV1>;

/**
 * practice.importNow v1: import catalogue and busy times now rather than at the next interval.
 * `force` publishes them even when unchanged: a consumer rebuilding its state at start asks so.
 */
export const importNowRequestV1 = z.object({ force: z.boolean().default(false) });
export const importNowReplyV1 = z.object({
  busyTimes: z.number().int().nonnegative(),
  changed: z.boolean(),
  importedAt: instantSchema,
});
