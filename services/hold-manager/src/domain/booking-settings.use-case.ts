import type { BookingRules, CommandRequestParsed } from '@otk/contracts';
import type { PracticeSettings } from './booking-rules.js';

export type BookingRulesChange = Partial<
  Pick<PracticeSettings, 'confirmationWindowSeconds' | 'cancellationDeadlineSeconds'>
>;

export interface BookingRulesStore {
  read(): Promise<PracticeSettings>;
  update(change: BookingRulesChange): Promise<PracticeSettings>;
}

/** The console's view: minutes and hours, as the practice thinks of them. */
export function toBookingRules(settings: PracticeSettings): BookingRules {
  return {
    confirmationWindowMinutes: settings.confirmationWindowSeconds / 60,
    cancellationDeadlineHours: settings.cancellationDeadlineSeconds / 3600,
  };
}

export async function getBookingRules(store: BookingRulesStore): Promise<BookingRules> {
  return toBookingRules(await store.read());
}

/**
 * The console changes the confirmation window (A1) or the cancellation deadline (A3). Bookings
 * keep what they were promised (ADR 23); the next hold or change uses the new values.
 */
export async function changeBookingRules(
  store: BookingRulesStore,
  request: CommandRequestParsed<'hold.updateSettings'>,
): Promise<BookingRules> {
  const change: BookingRulesChange = {};
  if (request.confirmationWindowMinutes !== undefined) {
    change.confirmationWindowSeconds = request.confirmationWindowMinutes * 60;
  }
  if (request.cancellationDeadlineHours !== undefined) {
    change.cancellationDeadlineSeconds = request.cancellationDeadlineHours * 3600;
  }
  return toBookingRules(Object.keys(change).length > 0 ? await store.update(change) : await store.read());
}
