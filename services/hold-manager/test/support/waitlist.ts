import type { CatalogueView, CommandRequest } from '@otk/contracts';
import type pg from 'pg';
import { waitlistRepository } from '../../src/data-access/waitlist.repository.js';
import type { HoldManagerDeps } from '../../src/domain/ports.js';
import type { WaitlistDeps } from '../../src/domain/waitlist/waitlist-ports.js';
import { outboxEvents } from './practice.js';

/** The online catalogue of the test practice (see practice.ts): dr-a offers both types, dr-b and dr-c the check-up. */
export const testCatalogue: CatalogueView = {
  groups: [],
  appointmentTypes: [
    {
      id: 'checkup',
      name: { de: 'Kontrolle', en: 'Check-up' },
      durationMinutes: 30,
      visitKinds: ['first', 'followup'],
      groupId: null,
      practitionerIds: ['dr-a', 'dr-b', 'dr-c'],
    },
    {
      id: 'treatment',
      name: { de: 'Behandlung', en: 'Treatment' },
      durationMinutes: 50,
      visitKinds: ['followup'],
      groupId: null,
      practitionerIds: ['dr-a'],
    },
  ],
  practitioners: [
    { id: 'dr-a', displayName: 'Dr. A', appointmentTypeIds: ['checkup', 'treatment'] },
    { id: 'dr-b', displayName: 'Dr. B', appointmentTypeIds: ['checkup'] },
    { id: 'dr-c', displayName: 'Dr. C', appointmentTypeIds: ['checkup'] },
  ],
};

/**
 * The waiting list's deps on the harness's database, with the test practice's catalogue; the free
 * slots availability would list are `freeSlots` (as the test sets them), whatever the query.
 */
export function waitlistDeps(
  deps: HoldManagerDeps & { pool: pg.Pool },
  freeSlots: { start: string; practitionerId: string }[] = [],
): WaitlistDeps {
  return {
    ...deps,
    waitlist: waitlistRepository(deps.pool),
    readCatalogue: async () => ({ timeZone: 'Europe/Zurich', catalogue: testCatalogue }),
    listFreeSlots: async () => ({ timeZone: 'Europe/Zurich', slots: [...freeSlots] }),
    limits: { maxEntriesPerContact: 3, maxEntriesPerClient: 20, offersPerSlot: 3 },
  };
}

let patientCounter = 0;

/** A request to join the list for a check-up with dr-a in January 2031; each call is another patient. */
export function aJoinRequest(
  overrides: Partial<CommandRequest<'waitlist.join'>> = {},
): CommandRequest<'waitlist.join'> {
  patientCounter += 1;
  return {
    appointmentTypeId: 'checkup',
    practitionerId: 'dr-a',
    firstDay: '2031-01-01',
    lastDay: '2031-01-31',
    channel: 'email',
    language: 'de',
    patient: {
      firstName: 'Wanda',
      lastName: 'Warteliste',
      email: `wanda.${patientCounter}.${process.pid}@example.ch`,
    },
    consent: { accepted: true, privacyPolicyVersion: '2026-01' },
    ...overrides,
  } as CommandRequest<'waitlist.join'>;
}

/** The link tokens a waiting-list entry got, from the notices in the outbox (as notification would). */
export async function waitlistTokens(
  pool: pg.Pool,
  entryId: string,
): Promise<{ confirm?: string; leave: string[]; offers: { offerId: string; token: string }[] }> {
  const mine = <T extends { entry: { entryId: string } }>(events: { data: T }[]) =>
    events.map((e) => e.data).filter((d) => d.entry.entryId === entryId);
  const joined = mine(await outboxEvents(pool, 'notice.waitlistJoined'));
  const confirmed = mine(await outboxEvents(pool, 'notice.waitlistConfirmed'));
  const offered = mine(await outboxEvents(pool, 'notice.waitlistOffered'));
  return {
    ...(joined[0] ? { confirm: joined[0].confirmToken } : {}),
    leave: [...confirmed.map((d) => d.leaveToken), ...offered.map((d) => d.leaveToken)],
    offers: offered.map((d) => ({ offerId: d.offer.offerId, token: d.offerToken })),
  };
}
