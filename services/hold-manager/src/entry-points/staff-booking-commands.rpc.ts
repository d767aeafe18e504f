import type { Broker } from '@otk/messaging';
import {
  type StaffBookingDeps,
  cancelByPractice,
  findBookingForStaff,
  listBookingsForStaff,
} from '../domain/staff-bookings.use-case.js';
import { type BookingMetrics, measured } from './booking-metrics.js';

/** The console's booking commands: list, detail, and cancel by the practice. */
export async function serveStaffBookingCommands(
  broker: Broker,
  deps: StaffBookingDeps,
  metrics: BookingMetrics,
): Promise<void> {
  await broker.serveCommand('booking.list', (r) => listBookingsForStaff(deps, r));
  await broker.serveCommand('booking.find', (r) => findBookingForStaff(deps, r.bookingId));
  await broker.serveCommand('booking.cancelByPractice', (r) =>
    measured(metrics, 'booking.cancelByPractice', () => cancelByPractice(deps, r)),
  );
}
