import { z } from 'zod';

/**
 * The JSON contract a ::pixelmedics connector implements (docs/api/practice-system.openapi.json).
 * The `http` adapter validates every answer against it and the reference server every request.
 */
const id = z.string().min(1).max(200);
const date = z.iso.date();
const instant = z.iso.datetime({ offset: true });

export const contactDataSchema = z.object({
  firstName: z.string().min(1).max(100),
  lastName: z.string().min(1).max(100),
  birthDate: date.optional(),
  gender: z.string().max(20).optional(),
  street: z.string().max(200).optional(),
  postcode: z.string().max(20).optional(),
  town: z.string().max(100).optional(),
  country: z.string().max(2).optional(),
  phone: z.string().max(30).optional(),
  email: z.string().max(254).optional(),
});
export const contactSchema = contactDataSchema.extend({ id, kind: z.enum(['patient', 'prospect']) });

export const catalogueSchema = z.object({
  practitioners: z.array(z.object({ id, name: z.string(), resourceIds: z.array(id) })),
  resources: z.array(z.object({ id, name: z.string(), kind: z.enum(['calendar', 'room', 'device']) })),
  appointmentTypes: z.array(z.object({ id, name: z.string(), durationMinutes: z.number().int().positive() })),
});

export const busyTimesSchema = z.object({
  busyTimes: z.array(
    z.object({ entryId: id, start: instant, end: instant, practitionerId: id.nullable(), resourceIds: z.array(id) }),
  ),
});

export const contactsSchema = z.object({ contacts: z.array(contactSchema) });
export const noteSchema = z.object({ text: z.string().min(1).max(10000) });

export const calendarEntrySchema = z.object({
  status: z.enum(['provisional', 'confirmed', 'cancelled']),
  label: z.string().min(1).max(200),
  colour: z.string().regex(/^#[0-9A-Fa-f]{6}$/),
  start: instant,
  end: instant,
  practitionerId: id,
  appointmentTypeId: id,
  resourceIds: z.array(id),
  contactId: id.nullable(),
  bookingId: z.uuid(),
});
export const createdEntrySchema = z.object({ entryId: id });
