import type { OccupancyNotice } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import type { DateRange, SharedAnswers } from '../domain/shared-answers.js';

const dayMs = 86_400_000;

/**
 * Follows occupancy notices (ADR 13): the slot lists this replica keeps for the days a booking
 * has just taken time on are dropped, so the next question about them reaches availability,
 * which has the notice too.
 */
export async function forgetAnswersOnOccupancy(broker: Broker, answers: SharedAnswers): Promise<void> {
  await broker.followNotices((notice) => answers.forgetDays(localDatesAround(notice)));
}

/**
 * The local dates the booking's time may fall on in any time zone: its UTC dates and one day on
 * either side (no zone is a day or more away from UTC). The gateway knows no practice zone, and a
 * few answers dropped more than needed cost one RPC each.
 */
export function localDatesAround(notice: Pick<OccupancyNotice, 'occupiedFrom' | 'occupiedUntil'>): DateRange {
  const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    from: utcDate(Date.parse(notice.occupiedFrom) - dayMs),
    to: utcDate(Date.parse(notice.occupiedUntil) + dayMs),
  };
}
