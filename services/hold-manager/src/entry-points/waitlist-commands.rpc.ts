import type { Broker } from '@otk/messaging';
import { acceptOffer, getOffer } from '../domain/waitlist/accept-offer.use-case.js';
import { confirmWaitlistEntry, leaveWaitlist } from '../domain/waitlist/confirm-and-leave-waitlist.use-case.js';
import { joinWaitlist } from '../domain/waitlist/join-waitlist.use-case.js';
import { listWaitlistForStaff, removeFromWaitlist } from '../domain/waitlist/staff-waitlist.use-case.js';
import type { WaitlistDeps } from '../domain/waitlist/waitlist-ports.js';
import { type BookingMetrics, measured } from './booking-metrics.js';

/** The waiting list's commands: the patient's steps behind the links, and the console's list and remove. */
export async function serveWaitlistCommands(
  broker: Broker,
  deps: WaitlistDeps,
  metrics: BookingMetrics,
): Promise<void> {
  await broker.serveCommand('waitlist.join', (r) => measured(metrics, 'waitlist.join', () => joinWaitlist(deps, r)));
  await broker.serveCommand('waitlist.confirm', (r) =>
    measured(metrics, 'waitlist.confirm', () => confirmWaitlistEntry(deps, r.token)),
  );
  await broker.serveCommand('waitlist.leave', (r) =>
    measured(metrics, 'waitlist.leave', () => leaveWaitlist(deps, r.token)),
  );
  await broker.serveCommand('waitlist.getOffer', (r) => getOffer(deps, r.token));
  await broker.serveCommand('waitlist.acceptOffer', (r) =>
    measured(metrics, 'waitlist.acceptOffer', () => acceptOffer(deps, r)),
  );
  await broker.serveCommand('waitlist.list', (r) => listWaitlistForStaff(deps, r));
  await broker.serveCommand('waitlist.remove', (r) =>
    measured(metrics, 'waitlist.remove', () => removeFromWaitlist(deps, r)),
  );
}
