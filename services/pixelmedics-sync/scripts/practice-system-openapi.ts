import { z } from 'zod';
import {
  busyTimesSchema,
  calendarEntrySchema,
  catalogueSchema,
  contactDataSchema,
  contactSchema,
  contactsSchema,
  createdEntrySchema,
  noteSchema,
} from '../src/data-access/practice-system.http-contract.js';

const json = (schema: string) => ({
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});
const idempotencyKey = { $ref: '#/components/parameters/IdempotencyKey' };
const errors = {
  '400': { description: 'The request is not valid; it will not succeed when repeated.' },
  '401': { description: 'Missing or wrong API key.' },
  '422': { description: 'Refused for good (e.g. unknown contact or entry); OTK parks the change for an operator.' },
  '5XX': { description: 'Temporary failure; OTK retries with the same Idempotency-Key.' },
};

/**
 * The connector contract as OpenAPI 3.1, built from the same zod schemas the `http` adapter and
 * the reference server validate with, so the document cannot drift from the code.
 */
export function practiceSystemOpenApi(): Record<string, unknown> {
  const schemas = Object.fromEntries(
    Object.entries({
      Catalogue: catalogueSchema,
      BusyTimes: busyTimesSchema,
      ContactData: contactDataSchema,
      Contact: contactSchema,
      Contacts: contactsSchema,
      Note: noteSchema,
      CalendarEntry: calendarEntrySchema,
      CreatedEntry: createdEntrySchema,
    }).map(([name, schema]) => [name, z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' })]),
  );
  const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'OTK practice-system connector',
      version: '1.0.0',
      description:
        'What a ::pixelmedics connector implements so that OTK can read the catalogue and busy times and write contacts, notes, patient groups and calendar entries. Every request carries `Authorization: Bearer <API key>`; every write carries an `Idempotency-Key`: a repeated key must return the first result and change nothing again.',
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/catalogue': {
        get: {
          summary: 'Practitioners, calendars/resources with their links, appointment types',
          responses: { '200': { description: 'The catalogue', ...json('Catalogue') }, ...errors },
        },
      },
      '/v1/busy-times': {
        get: {
          summary: 'Entries made by staff (not by OTK) overlapping [from, to)',
          parameters: ['from', 'to'].map((name) => ({
            name,
            in: 'query',
            required: true,
            schema: { type: 'string', format: 'date-time' },
          })),
          responses: { '200': { description: 'Busy times', ...json('BusyTimes') }, ...errors },
        },
      },
      '/v1/contacts': {
        get: {
          summary: 'Contacts that may be this person; OTK compares names without case, accents and spacing',
          parameters: [
            { name: 'lastName', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'firstName', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'birthDate', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
          ],
          responses: { '200': { description: 'Candidates', ...json('Contacts') }, ...errors },
        },
      },
      '/v1/prospects': {
        post: {
          summary: 'Create a prospect (INTERESSENT)',
          parameters: [idempotencyKey],
          requestBody: { required: true, ...json('ContactData') },
          responses: { '201': { description: 'Created', ...json('Contact') }, ...errors },
        },
      },
      '/v1/contacts/{contactId}/notes': {
        post: {
          summary: 'Append a note to the master data; never overwrite a field',
          parameters: [idParam('contactId'), idempotencyKey],
          requestBody: { required: true, ...json('Note') },
          responses: { '204': { description: 'Appended' }, ...errors },
        },
      },
      '/v1/contacts/{contactId}/groups/{group}': {
        put: {
          summary: 'Add the contact to a patient group',
          parameters: [idParam('contactId'), idParam('group'), idempotencyKey],
          responses: { '204': { description: 'Added (or already there)' }, ...errors },
        },
      },
      '/v1/calendar-entries': {
        post: {
          summary: 'Create an entry in the practice calendar',
          parameters: [idempotencyKey],
          requestBody: { required: true, ...json('CalendarEntry') },
          responses: { '201': { description: 'Created', ...json('CreatedEntry') }, ...errors },
        },
      },
      '/v1/calendar-entries/{entryId}': {
        put: {
          summary: 'Replace an entry (confirm, move, cancel)',
          parameters: [idParam('entryId'), idempotencyKey],
          requestBody: { required: true, ...json('CalendarEntry') },
          responses: { '204': { description: 'Updated' }, ...errors },
        },
        delete: {
          summary: 'Remove an entry (a lapsed provisional request)',
          parameters: [idParam('entryId'), idempotencyKey],
          responses: { '204': { description: 'Removed (or already gone)' }, ...errors },
        },
      },
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          schema: { type: 'string', maxLength: 200 },
        },
      },
      schemas,
    },
  };
}
