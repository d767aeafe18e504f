import type { EventOf, Patient } from '@otk/contracts';
import type { PersonalDataLevel, WebhookEventType } from './webhook-endpoint.js';

export type WebhookEvent = EventOf<WebhookEventType>;

/**
 * The body an endpoint receives for one event, in the Standard Webhooks shape (`type`,
 * `timestamp`, `data`). Built field by field, never by copying the event: link tokens and any
 * patient field above the endpoint's personal-data level cannot slip in.
 */
export function webhookPayload(event: WebhookEvent, level: PersonalDataLevel): Record<string, unknown> {
  if (event.type === 'waitlist.offered') return waitlistOfferedPayload(event, level);
  const { booking } = event.data;
  const data: Record<string, unknown> = {
    bookingId: booking.bookingId,
    status: booking.status,
    appointmentTypeId: booking.appointmentTypeId,
    appointmentTypeName: booking.appointmentTypeName,
    practitionerId: booking.practitionerId,
    practitionerName: booking.practitionerName,
    start: booking.start,
    end: booking.end,
    timeZone: booking.timeZone,
    expiresAt: booking.expiresAt,
    changeableUntil: booking.changeableUntil,
  };
  if (booking.visitKind) data.visitKind = booking.visitKind;
  if (event.type === 'booking.changed') {
    const { previous } = event.data;
    data.previous = { practitionerId: previous.practitionerId, start: previous.start, end: previous.end };
  }
  if (event.type === 'booking.cancelled' && event.data.cancelledBy) data.cancelledBy = event.data.cancelledBy;
  const patient = patientAt(booking.patient, level);
  if (patient) {
    data.patient = patient;
    data.language = booking.language;
  }
  return { type: event.type, timestamp: event.occurredAt, data };
}

/**
 * What deliveries to one endpoint are ordered by: the booking, or for a waiting-list offer the
 * entry it was made to.
 */
export function webhookSubjectOf(event: WebhookEvent): string {
  return event.type === 'waitlist.offered' ? event.data.entry.entryId : event.data.booking.bookingId;
}

/** A freed slot offered to a waiting patient: the offer, what the patient waits for, and whom (by level). */
function waitlistOfferedPayload(event: EventOf<'waitlist.offered'>, level: PersonalDataLevel): Record<string, unknown> {
  const { entry, offer } = event.data;
  const data: Record<string, unknown> = {
    entryId: entry.entryId,
    offerId: offer.offerId,
    appointmentTypeId: offer.appointmentTypeId,
    appointmentTypeName: offer.appointmentTypeName,
    practitionerId: offer.practitionerId,
    practitionerName: offer.practitionerName,
    start: offer.start,
    end: offer.end,
    timeZone: offer.timeZone,
    waitingFor: {
      appointmentTypeId: entry.appointmentTypeId,
      practitionerId: entry.practitionerId,
      firstDay: entry.firstDay,
      lastDay: entry.lastDay,
    },
  };
  const patient = patientAt(entry.patient, level);
  if (patient) {
    data.patient = patient;
    data.language = entry.language;
  }
  return { type: event.type, timestamp: event.occurredAt, data };
}

function patientAt(patient: Patient, level: PersonalDataLevel): Record<string, string> | undefined {
  if (level === 'none') return undefined;
  const fields: (keyof Patient)[] =
    level === 'contact'
      ? ['firstName', 'lastName', 'email', 'phone']
      : ['firstName', 'lastName', 'email', 'phone', 'birthDate', 'gender', 'street', 'postcode', 'town', 'country'];
  const chosen: Record<string, string> = {};
  for (const field of fields) {
    const value = patient[field];
    if (value !== undefined) chosen[field] = value;
  }
  return chosen;
}
