import type { Broker } from '@otk/messaging';
import type { ManageLinks } from '../domain/reminders/reminder-ports.js';

/** hold-manager issues manage tokens; notification asks it over RPC when a reminder is due (ADR 36). */
export function manageLinkClient(broker: Broker, timeoutMs: number): ManageLinks {
  return { issue: (bookingId) => broker.call('booking.issueManageToken', { bookingId }, { timeoutMs }) };
}
