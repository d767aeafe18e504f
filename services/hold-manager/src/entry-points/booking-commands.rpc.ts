import type { Broker } from '@otk/messaging';
import { confirmBooking } from '../domain/confirm-booking.use-case.js';
import { listActive } from '../domain/list-active.use-case.js';
import { cancelBooking, changeBooking, getBooking } from '../domain/manage-booking.use-case.js';
import { placeHold } from '../domain/place-hold.use-case.js';
import type { HoldManagerDeps } from '../domain/ports.js';
import { withdrawHold } from '../domain/withdraw-hold.use-case.js';

/** hold-manager's commands, on its RPC queue; the broker validates requests and replies against the contracts. */
export async function serveBookingCommands(broker: Broker, deps: HoldManagerDeps): Promise<void> {
  await broker.serveCommand('hold.place', (request) => placeHold(deps, request));
  await broker.serveCommand('hold.listActive', (request) => listActive(deps, request.from));
  await broker.serveCommand('booking.confirm', (request) => confirmBooking(deps, request.token));
  await broker.serveCommand('booking.withdraw', (request) => withdrawHold(deps, request.token));
  await broker.serveCommand('booking.get', (request) => getBooking(deps, request.token));
  await broker.serveCommand('booking.change', (request) => changeBooking(deps, request));
  await broker.serveCommand('booking.cancel', (request) => cancelBooking(deps, request.token));
}
