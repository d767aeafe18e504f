import type { Broker } from '@otk/messaging';
import type { ReadModel } from '../data-access/read-model.js';
import { noticedEntry } from '../domain/busy-index.js';

/**
 * Follows occupancy notices (ADR 13): the time a booking took is busy in this replica's index as
 * soon as hold-manager has committed it, not only once its event has come through the outbox and
 * been written to the table. The event, when it is applied, takes the notice's place.
 */
export async function followOccupancyNotices(broker: Broker, model: ReadModel): Promise<void> {
  await broker.followNotices((notice) => model.busy.notice(noticedEntry(notice, Date.now())));
}
