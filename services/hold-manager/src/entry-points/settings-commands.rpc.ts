import type { Broker } from '@otk/messaging';
import type pg from 'pg';
import { updateBookingRules } from '../data-access/booking-rules.repository.js';
import { readSettings } from '../data-access/booking.repository.js';
import { type BookingRulesStore, changeBookingRules, getBookingRules } from '../domain/booking-settings.use-case.js';

/** The console's commands for the booking rules hold-manager owns (ADR 23, ADR 24). */
export async function serveSettingsCommands(broker: Broker, pool: pg.Pool): Promise<void> {
  const store: BookingRulesStore = {
    read: () => readSettings(pool),
    update: (change) => updateBookingRules(pool, change),
  };
  await broker.serveCommand('hold.getSettings', () => getBookingRules(store));
  await broker.serveCommand('hold.updateSettings', (request) => changeBookingRules(store, request));
}
