import {
  AppError,
  type CommandReply,
  type CommandRequest,
  type EventData,
  type EventType,
  checkSlotReplyV1,
  parseEvent,
} from '@otk/contracts';
import type pg from 'pg';

/**
 * A small practice, as availability would describe it: dr-a works in room-1; dr-b and dr-c share
 * room-2 (S6). Slots start on a 5-minute grid; types have buffers.
 */
const types = {
  checkup: { name: { de: 'Kontrolle', en: 'Check-up' }, minutes: 30, before: 0, after: 5 },
  treatment: { name: { de: 'Behandlung', en: 'Treatment' }, minutes: 50, before: 5, after: 10 },
} as const;
const practitioners = {
  'dr-a': { name: 'Dr. A', resources: ['room-1'] },
  'dr-b': { name: 'Dr. B', resources: ['room-2'] },
  'dr-c': { name: 'Dr. C', resources: ['room-2'] },
} as const;

/**
 * The slot check of that practice, its reply validated against the contract: what
 * `availability.checkSlot` answers, minus the busy index (hold-manager is the judge of "taken").
 */
export function checkSlotOfTestPractice(
  request: CommandRequest<'availability.checkSlot'>,
): CommandReply<'availability.checkSlot'> {
  const type = types[request.appointmentTypeId as keyof typeof types];
  const practitioner = practitioners[request.practitionerId as keyof typeof practitioners];
  const start = new Date(request.start);
  if (!type || !practitioner || start.getTime() % (5 * 60_000) !== 0) {
    throw new AppError('SLOT_NOT_OFFERED', 'this slot is not offered');
  }
  const minute = 60_000;
  return checkSlotReplyV1.parse({
    appointmentTypeId: request.appointmentTypeId,
    appointmentTypeName: type.name,
    practitionerId: request.practitionerId,
    practitionerName: practitioner.name,
    timeZone: 'Europe/Zurich',
    start: start.toISOString(),
    end: new Date(start.getTime() + type.minutes * minute).toISOString(),
    occupiedFrom: new Date(start.getTime() - type.before * minute).toISOString(),
    occupiedUntil: new Date(start.getTime() + (type.minutes + type.after) * minute).toISOString(),
    occupants: [
      { kind: 'practitioner', id: request.practitionerId },
      ...practitioner.resources.map((id) => ({ kind: 'resource' as const, id })),
    ],
  });
}

let hourCounter = 0;

/** A distinct whole hour in 2031 per call, so tests never collide by accident. */
export function aFreeHour(): Date {
  hourCounter += 1;
  return new Date(Date.UTC(2031, 0, 1, 0) + hourCounter * 3600_000);
}

let contactCounter = 0;

/** A hold request for a fresh hour and a fresh contact; each call is another patient. */
export function aPlaceHoldRequest(
  overrides: Partial<CommandRequest<'hold.place'>> = {},
): CommandRequest<'hold.place'> & { language: 'de' } {
  contactCounter += 1;
  return {
    appointmentTypeId: 'checkup',
    practitionerId: 'dr-a',
    start: aFreeHour().toISOString(),
    channel: 'email',
    language: 'de',
    patient: {
      firstName: 'Anna',
      lastName: 'Beispiel',
      birthDate: '1980-04-01',
      email: `anna.${contactCounter}.${process.pid}@example.ch`,
    },
    consent: { accepted: true, privacyPolicyVersion: '2026-01' },
    ...overrides,
  } as CommandRequest<'hold.place'> & { language: 'de' };
}

/** The events hold-manager wrote to its outbox, parsed against the contracts, oldest first. */
export async function outboxEvents<T extends EventType>(
  pool: pg.Pool,
  type: T,
  bookingId?: string,
): Promise<{ id: string; data: EventData<T> }[]> {
  const { rows } = await pool.query<{ envelope: unknown }>(
    'SELECT envelope FROM hold_manager.outbox WHERE event_type = $1 ORDER BY id',
    [type],
  );
  const events = rows.map((row) => {
    const parsed = parseEvent(row.envelope);
    if (!parsed.ok) throw new Error(parsed.reason);
    return { id: parsed.value.id, data: parsed.value.data as EventData<T> };
  });
  return bookingId
    ? events.filter((e) => (e.data as { booking?: { bookingId: string } }).booking?.bookingId === bookingId)
    : events;
}

/** Changes the practice's settings, as the administration console would. */
export async function setSettings(
  pool: pg.Pool,
  settings: Partial<{
    confirmation_window_seconds: number;
    cancellation_deadline_seconds: number;
    max_open_holds_per_contact: number;
    max_open_holds_per_client: number;
  }>,
): Promise<void> {
  const entries = Object.entries(settings);
  await pool.query(
    `UPDATE hold_manager.settings SET ${entries.map(([column], i) => `${column} = $${i + 1}`).join(', ')}`,
    entries.map(([, value]) => value),
  );
}

/** The default settings of the migration, for tests that changed them. */
export const defaultSettings = {
  confirmation_window_seconds: 900,
  cancellation_deadline_seconds: 86400,
  max_open_holds_per_contact: 3,
  max_open_holds_per_client: 20,
};
