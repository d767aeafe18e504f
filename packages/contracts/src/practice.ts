import { z } from 'zod';
import { instantSchema } from './booking.js';
import { catalogueIdSchema, catalogueIdsSchema, staffResourceSchema } from './catalogue.js';

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

/**
 * practice.catalogueImported v1: the parts of the catalogue the practice system keeps when it is
 * master of it (the `http` adapter, ADR 83): its practitioners with their calendars and resources,
 * its resources, its appointment types with their names and durations. pixelmedics-sync publishes
 * it whenever they changed; availability applies it and keeps the rest (working hours, absences,
 * buffers, who offers what online) for the console. Ids are OTK's catalogue ids, which the
 * practice system shares.
 */
export const catalogueImportedV1 = z.object({
  importedAt: instantSchema,
  practitioners: z.array(
    z.object({ id: catalogueIdSchema, name: z.string().trim().min(1).max(200), resourceIds: catalogueIdsSchema }),
  ),
  resources: z.array(staffResourceSchema),
  appointmentTypes: z.array(
    z.object({
      id: catalogueIdSchema,
      name: z.string().trim().min(1).max(200),
      durationMinutes: z.number().int().min(5).max(720),
    }),
  ),
});
export type CatalogueImportedV1 = z.infer<typeof catalogueImportedV1>;
