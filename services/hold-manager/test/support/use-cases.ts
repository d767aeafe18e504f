import { AppError, type CommandRequest, placeHoldRequestV1 } from '@otk/contracts';
import { createPool, runMigrations } from '@otk/db';
import { type TestDatabase, createTestDatabase } from '@otk/test-kit';
import type pg from 'pg';
import { pino } from 'pino';
import { slotOf } from '../../src/data-access/availability.client.js';
import { bookingRepository } from '../../src/data-access/booking.repository.js';
import { migrations } from '../../src/data-access/migrations.js';
import type { HoldManagerDeps } from '../../src/domain/ports.js';
import { placeHold } from '../../src/domain/place-hold.use-case.js';
import { checkSlotOfTestPractice, outboxEvents } from './practice.js';

/**
 * hold-manager's use cases on a migrated database of their own, with the test practice's slot
 * check and a clock the test moves. Expiry messages are only recorded.
 */
export async function useCaseHarness(): Promise<{
  db: TestDatabase;
  pool: pg.Pool;
  deps: HoldManagerDeps & { pool: pg.Pool };
  clock: { now: Date; advance(ms: number): void };
  scheduled: { bookingId: string; delayMs: number }[];
  close(): Promise<void>;
}> {
  const db = await createTestDatabase();
  const logger = pino({ level: 'silent' });
  await runMigrations({ databaseUrl: db.url, set: migrations, logger });
  const pool = createPool({ connectionString: db.url, applicationName: 'test', max: 20 });
  const clock = {
    now: new Date('2026-06-01T08:00:00Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const scheduled: { bookingId: string; delayMs: number }[] = [];
  const deps: HoldManagerDeps & { pool: pg.Pool } = {
    pool,
    bookings: bookingRepository(pool),
    logger,
    checkSlot: async (request) => slotOf(checkSlotOfTestPractice(request)),
    // The test practice offers every hour; availability would leave out busy ones.
    findAlternatives: async ({ appointmentTypeId, practitionerId, after }) =>
      [1, 2, 3].map((hours) => {
        const slot = checkSlotOfTestPractice({
          appointmentTypeId,
          practitionerId,
          start: new Date(after.getTime() + hours * 3600_000).toISOString(),
        });
        return { start: slot.start, end: slot.end, practitionerId };
      }),
    scheduleExpiry: async (hold, delayMs) => {
      scheduled.push({ bookingId: hold.bookingId, delayMs });
    },
    now: () => clock.now,
  };
  return {
    db,
    pool,
    deps,
    clock,
    scheduled,
    async close() {
      await pool.end();
      await db.drop();
    },
  };
}

/** Places a hold and returns its id and the confirm token that went out with `booking.held`. */
export async function holdWithToken(
  deps: HoldManagerDeps & { pool: pg.Pool },
  request: CommandRequest<'hold.place'>,
): Promise<{ bookingId: string; confirmToken: string }> {
  const { bookingId } = await placeHold(deps, placeHoldRequestV1.parse(request));
  const [held] = await outboxEvents(deps.pool, 'notice.bookingHeld', bookingId);
  if (!held) throw new Error(`no notice.bookingHeld for ${bookingId}`);
  return { bookingId, confirmToken: held.data.confirmToken };
}

/** The manage token of the latest confirmation or change notice of a booking. */
export async function latestManageToken(pool: pg.Pool, bookingId: string): Promise<string> {
  const events = [
    ...(await outboxEvents(pool, 'notice.bookingConfirmed', bookingId)),
    ...(await outboxEvents(pool, 'notice.bookingChanged', bookingId)),
  ];
  const last = events.at(-1);
  if (!last) throw new Error(`no manage token for ${bookingId}`);
  return last.data.manageToken;
}

/** The code of the AppError a promise rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal, but the call succeeded');
}
