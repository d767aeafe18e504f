import type { Broker } from '@otk/messaging';
import { confirmBooking } from '../domain/confirm-booking.use-case.js';
import { issueManageToken } from '../domain/issue-manage-token.use-case.js';
import { listActive } from '../domain/list-active.use-case.js';
import { cancelBooking, changeBooking, getBooking } from '../domain/manage-booking.use-case.js';
import { placeHold } from '../domain/place-hold.use-case.js';
import type { HoldManagerDeps } from '../domain/ports.js';
import { withdrawHold } from '../domain/withdraw-hold.use-case.js';
import { type BookingMetrics, measured } from './booking-metrics.js';

/** hold-manager's commands, on its RPC queue; the broker validates requests and replies against the contracts. */
export async function serveBookingCommands(
  broker: Broker,
  deps: HoldManagerDeps,
  metrics: BookingMetrics,
): Promise<void> {
  await broker.serveCommand('hold.place', (r) => measured(metrics, 'hold.place', () => placeHold(deps, r)));
  await broker.serveCommand('hold.listActive', (r) =>
    measured(metrics, 'hold.listActive', () => listActive(deps, r.from)),
  );
  await broker.serveCommand('booking.confirm', (r) =>
    measured(metrics, 'booking.confirm', () => confirmBooking(deps, r.token)),
  );
  await broker.serveCommand('booking.withdraw', (r) =>
    measured(metrics, 'booking.withdraw', () => withdrawHold(deps, r.token)),
  );
  await broker.serveCommand('booking.get', (r) => measured(metrics, 'booking.get', () => getBooking(deps, r.token)));
  await broker.serveCommand('booking.change', (r) => measured(metrics, 'booking.change', () => changeBooking(deps, r)));
  await broker.serveCommand('booking.cancel', (r) =>
    measured(metrics, 'booking.cancel', () => cancelBooking(deps, r.token)),
  );
  await broker.serveCommand('booking.issueManageToken', (r) =>
    measured(metrics, 'booking.issueManageToken', () => issueManageToken(deps, r.bookingId)),
  );
}
