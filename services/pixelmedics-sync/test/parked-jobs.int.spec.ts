import { type MigratedTestDatabase, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { BuiltinPracticeSystem } from '../src/data-access/builtin-practice-system.js';
import { enqueueSyncJob } from '../src/data-access/sync-job.repository.js';
import { type CalendarEntryData, PracticeSystemRejection } from '../src/domain/practice-system.port.js';
import { retryParkedJobsCommand } from '../src/entry-points/parked-jobs.command.js';
import { SyncWorker } from '../src/entry-points/sync-worker.js';
import { aBookingLife } from './support/booking-lifecycle.js';
import { createMigratedDatabase } from './support/migrated-database.js';

/** The built-in practice system, refusing new calendar entries for good while `refusing` is set. */
class RefusingPracticeSystem extends BuiltinPracticeSystem {
  refusing = true;
  override async createCalendarEntry(entry: CalendarEntryData, key: string): Promise<{ entryId: string }> {
    if (this.refusing) throw new PracticeSystemRejection('422 unknown appointment type');
    return super.createCalendarEntry(entry, key);
  }
}

async function gauge(registry: Registry, name: string): Promise<number | undefined> {
  return (await registry.getSingleMetric(name)?.get())?.values[0]?.value;
}

describe('pixelmedics-sync: parked jobs and the retry-parked-jobs command', function () {
  this.timeout(30000);
  let db: MigratedTestDatabase;
  let worker: SyncWorker;

  before(async () => {
    db = await createMigratedDatabase();
  });
  afterEach(() => worker?.stop());
  after(() => db.drop());

  const runCommand = async (values: Record<string, string | boolean | undefined>) => {
    const lines: Record<string, unknown>[] = [];
    await retryParkedJobsCommand.run({
      values,
      pool: () => db.pool,
      env: { DATABASE_URL: '', AMQP_URL: '' },
      print: (line) => lines.push(line),
    });
    return lines;
  };

  it('when the practice system refuses an event, then it is parked and counted, and once retried it is applied with its delay observed', async () => {
    const practice = new RefusingPracticeSystem(db.pool);
    const registry = new Registry();
    worker = new SyncWorker({
      pool: db.pool,
      practice,
      logger: pino({ level: 'silent' }),
      registry,
      pollIntervalMs: 50,
    });
    worker.start();
    const held = aBookingLife().held();

    await enqueueSyncJob(db.pool, held);
    await waitFor(async () => ((await gauge(registry, 'pixelmedics_sync_parked_jobs')) === 1 ? true : undefined), {
      what: 'the parked job',
    });

    const listed = await runCommand({ 'dry-run': true });
    expect(listed).to.have.length(2);
    expect(listed[0]).to.include({ eventType: 'booking.held', bookingId: held.data.booking.bookingId });
    expect(listed[0]?.lastError).to.include('422 unknown appointment type');
    expect(listed[1]).to.deep.equal({ parked: 1, retried: 0 });
    expect(await gauge(registry, 'pixelmedics_sync_parked_jobs')).to.equal(1);

    practice.refusing = false;
    expect((await runCommand({})).at(-1)).to.deep.equal({ parked: 1, retried: 1 });

    await waitFor(
      async () => ((await registry.metrics()).includes('pixelmedics_sync_delay_seconds_count 1') ? true : undefined),
      {
        what: 'the retried job applied',
      },
    );
    expect(await gauge(registry, 'pixelmedics_sync_parked_jobs')).to.equal(0);
    expect(await gauge(registry, 'pixelmedics_sync_pending_jobs')).to.equal(0);
    expect(await registry.metrics()).to.match(/^pixelmedics_sync_delay_seconds_count 1$/m);
  });

  it('when the seq is not a number, then the command refuses it', async () => {
    const error = await runCommand({ seq: '1; DROP TABLE x' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error).and.have.property('message', '--seq must be a positive integer');
  });
});
