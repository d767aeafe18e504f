import type { Broker } from '@otk/messaging';
import type { ReadModel } from '../data-access/read-model.js';
import { AnswerCache } from '../domain/answer-cache.js';
import { catalogueView, practiceView } from '../domain/catalogue-view.use-case.js';
import { checkSlot } from '../domain/check-slot.use-case.js';
import { listSlots } from '../domain/list-slots.use-case.js';

type ListSlotsReply = ReturnType<typeof listSlots>;

/**
 * Serves availability's commands from the in-memory read model. Slot lists are cached until the
 * read model changes, the next held booking lapses, or `slotCacheMaxAgeMs` passes (minimum notice
 * moves on with time); slot checks for holds are always computed afresh.
 */
export async function serveAvailabilityCommands(
  broker: Broker,
  model: ReadModel,
  options: { slotCacheMaxAgeMs: number; now?: () => number },
): Promise<void> {
  const now = options.now ?? Date.now;
  const slotCache = new AnswerCache<ListSlotsReply>();

  await broker.serveCommand('availability.checkSlot', async (request) =>
    checkSlot(model.current(), model.busy, request, now()),
  );
  await broker.serveCommand('availability.getPractice', async () => practiceView(model.current()));
  await broker.serveCommand('availability.getCatalogue', async (request) =>
    catalogueView(model.current(), request.visitKind),
  );
  await broker.serveCommand('availability.listSlots', async (request) => {
    const at = now();
    const key = `${request.appointmentTypeId}|${request.practitionerId}|${request.from}|${request.to}`;
    const version = model.version;
    const cached = slotCache.get(key, version, at);
    if (cached) return cached;
    const reply = listSlots(model.current(), model.busy, request, at);
    if (options.slotCacheMaxAgeMs > 0 && model.following) {
      const validUntil = Math.min(at + options.slotCacheMaxAgeMs, model.busy.nextExpiry(at) ?? Infinity);
      slotCache.set(key, version, validUntil, reply);
    }
    return reply;
  });
}
