import { ROOT_CONTEXT, type SpanContext, TraceFlags, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Envelope } from '@otk/contracts';
import {
  type MigrationSet,
  OutboxRelay,
  type OutboxRelayOptions,
  appendToOutbox,
  createPool,
  runMigrations,
  withTransaction,
} from '@otk/db';
import { type TestDatabase, aBookingHeldNotice, createTestDatabase, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { aBookingHeldEvent } from './event.factory.js';
import { fixtureMigrationsDir, migratedSchema, silentLogger, uniqueSchema } from './fixture-schema.js';
import { rejectionOf } from './rejection.js';

/** Stands in for the broker: records what it accepts, and refuses everything while `down`. */
class FakeBroker {
  readonly published: Envelope[] = [];
  down = false;

  readonly publish = async (event: Envelope): Promise<void> => {
    if (this.down) throw new Error('broker down');
    this.published.push(event);
  };

  get ids(): string[] {
    return this.published.map((event) => event.id);
  }
}

describe('outbox', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let set: MigrationSet;
  let broker: FakeBroker;
  const relays: OutboxRelay[] = [];

  before(async () => {
    db = await createTestDatabase();
    pool = createPool({ connectionString: db.url, applicationName: 'db-outbox-test' });
  });

  after(async () => {
    await pool.end();
    await db.drop();
  });

  // Each test gets a schema of its own, so events a test leaves unpublished never reach the next.
  beforeEach(async () => {
    set = await migratedSchema(db.url, 'outbox');
    broker = new FakeBroker();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  });

  function startRelay(options: Partial<OutboxRelayOptions> = {}): { relay: OutboxRelay; registry: Registry } {
    const registry = new Registry();
    const relay = new OutboxRelay({
      pool,
      schema: set.schema,
      publish: broker.publish,
      logger: silentLogger,
      registry,
      pollIntervalMs: 50,
      ...options,
    });
    relays.push(relay);
    relay.start();
    return { relay, registry };
  }

  /** Appends events the way a service does: in one transaction with the change they announce. */
  async function commitEvents(...events: Envelope[]): Promise<void> {
    await withTransaction(pool, async (client) => {
      for (const event of events) {
        await client.query(`INSERT INTO "${set.schema}".widgets (id, name) VALUES ($1, 'booked')`, [event.id]);
        await appendToOutbox(client, set.schema, event);
      }
    });
  }

  /** The relay's LISTEN connections: a connection whose last statement was the LISTEN is waiting for notifications. */
  async function listeners(): Promise<number[]> {
    const { rows } = await pool.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle' AND query = $1`,
      [`LISTEN "${set.schema}.outbox"`],
    );
    return rows.map((row) => row.pid);
  }

  async function metric(registry: Registry, name: string): Promise<number> {
    const found = registry.getSingleMetric(name);
    if (!found) throw new Error(`metric ${name} not registered`);
    return (await found.get()).values[0]?.value ?? 0;
  }

  it('when the appending transaction rolls back, then its event is never published', async () => {
    startRelay();
    const rolledBack = aBookingHeldEvent();
    const committed = aBookingHeldEvent();

    await rejectionOf(
      withTransaction(pool, async (client) => {
        await appendToOutbox(client, set.schema, rolledBack);
        throw new Error('slot taken');
      }),
    );
    await commitEvents(committed);

    await waitFor(() => (broker.published.length > 0 ? true : undefined), { what: 'the committed event' });
    expect(broker.ids).to.deep.equal([committed.id]);
  });

  it('when an event is committed, then the relay publishes it within moments, woken by NOTIFY rather than the poll', async () => {
    const { registry } = startRelay({ pollIntervalMs: 60_000 });
    await waitFor(async () => ((await listeners()).length === 1 ? true : undefined), { what: 'the relay to listen' });
    const event = aBookingHeldEvent();

    const committedAt = Date.now();
    await commitEvents(event);
    await waitFor(() => (broker.published.length === 1 ? true : undefined), {
      timeoutMs: 1000,
      intervalMs: 5,
      what: 'the event',
    });

    expect(Date.now() - committedAt).to.be.below(500);
    expect(broker.published).to.deep.equal([event]);
    expect(await metric(registry, 'outbox_published_total')).to.equal(1);
  });

  it('when an event is published, then its row keeps id, type, subject and times but loses the data it carried', async () => {
    startRelay();
    const event = aBookingHeldNotice();
    const pendingEvent = aBookingHeldNotice();
    await withTransaction(pool, (client) =>
      appendToOutbox(client, set.schema, event, { subjectId: event.data.booking.bookingId }),
    );
    await waitFor(() => (broker.published.length === 1 ? true : undefined), { what: 'the event' });
    expect(broker.published[0]).to.deep.equal(event);
    broker.down = true;
    await withTransaction(pool, (client) => appendToOutbox(client, set.schema, pendingEvent));

    const rowOf = async (eventId: string) =>
      (
        await pool.query<{ envelope: Record<string, unknown>; subject_id: string | null; published_at: Date | null }>(
          `SELECT envelope, subject_id, published_at FROM "${set.schema}".outbox WHERE event_id = $1`,
          [eventId],
        )
      ).rows[0]!;
    const published = await rowOf(event.id);
    expect(published.published_at).to.be.an.instanceOf(Date);
    expect(published.subject_id).to.equal(event.data.booking.bookingId);
    expect(published.envelope).to.deep.equal({
      id: event.id,
      type: event.type,
      version: event.version,
      occurredAt: event.occurredAt,
    });
    expect(JSON.stringify(published.envelope)).to.not.include(event.data.confirmToken);
    // Until it is out, the data waits with the event: nothing accepted is lost.
    expect((await rowOf(pendingEvent.id)).envelope).to.deep.equal(JSON.parse(JSON.stringify(pendingEvent)));
  });

  it('when the LISTEN connection is killed, then the relay listens again and is still woken at once', async () => {
    startRelay({ pollIntervalMs: 60_000 });
    const [first] = await waitFor(
      async () => {
        const pids = await listeners();
        return pids.length === 1 ? pids : undefined;
      },
      { what: 'the relay to listen' },
    );

    await pool.query('SELECT pg_terminate_backend($1)', [first]);
    await waitFor(
      async () => {
        const pids = await listeners();
        return pids.length === 1 && pids[0] !== first ? true : undefined;
      },
      { what: 'the relay to listen again' },
    );
    const event = aBookingHeldEvent();
    await commitEvents(event);

    await waitFor(() => (broker.published.length === 1 ? true : undefined), { timeoutMs: 1000, what: 'the event' });
    expect(broker.ids).to.deep.equal([event.id]);
  });

  it('when the broker is down, then committed events stay pending, and go out in order, exactly once, when it is back', async () => {
    broker.down = true;
    const { registry } = startRelay();
    const events = [aBookingHeldEvent(), aBookingHeldEvent(), aBookingHeldEvent()];
    for (const event of events) await commitEvents(event);

    await waitFor(async () => ((await metric(registry, 'outbox_pending')) === 3 ? true : undefined), {
      what: 'three pending events',
    });
    expect(await metric(registry, 'outbox_oldest_pending_age_seconds')).to.be.above(0);
    expect(await metric(registry, 'outbox_publish_failures_total')).to.be.above(0);
    expect(broker.published).to.deep.equal([]);

    broker.down = false;
    await waitFor(async () => ((await metric(registry, 'outbox_pending')) === 0 ? true : undefined), {
      what: 'the outbox to drain',
    });

    expect(broker.ids).to.deep.equal(events.map((event) => event.id));
    expect(await metric(registry, 'outbox_published_total')).to.equal(3);
    expect(await metric(registry, 'outbox_oldest_pending_age_seconds')).to.equal(0);
  });

  it('when the outbox table does not exist yet, then the relay keeps retrying and publishes once it does', async () => {
    set = { schema: uniqueSchema('not_yet_migrated'), dir: fixtureMigrationsDir };
    startRelay();
    await new Promise((resolve) => setTimeout(resolve, 200));

    await runMigrations({ databaseUrl: db.url, set, logger: silentLogger });
    const event = aBookingHeldEvent();
    await commitEvents(event);

    await waitFor(() => (broker.published.length === 1 ? true : undefined), { what: 'the event' });
    expect(broker.ids).to.deep.equal([event.id]);
  });

  it('when two relays serve one schema, then every event is published exactly once', async () => {
    // A slow broker and small batches make the relays overlap.
    const slowPublish = async (event: Envelope) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await broker.publish(event);
    };
    startRelay({ publish: slowPublish, batchSize: 5 });
    startRelay({ publish: slowPublish, batchSize: 5 });
    const events = Array.from({ length: 200 }, () => aBookingHeldEvent());

    await Promise.all(Array.from({ length: 20 }, (_, i) => commitEvents(...events.slice(i * 10, i * 10 + 10))));
    await waitFor(() => (broker.published.length >= events.length ? true : undefined), { what: 'every event' });
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));

    expect(broker.published).to.have.length(events.length);
    expect(new Set(broker.ids)).to.deep.equal(new Set(events.map((event) => event.id)));
  });

  it('when the relay is stopped during a batch, then it finishes and commits that batch first', async () => {
    let publishing: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (publishing = resolve));
    const { relay } = startRelay({
      publish: async (event) => {
        publishing();
        await new Promise((resolve) => setTimeout(resolve, 200));
        await broker.publish(event);
      },
    });
    const event = aBookingHeldEvent();
    await commitEvents(event);

    await started;
    await relay.stop();

    expect(broker.ids).to.deep.equal([event.id]);
    const { rows } = await pool.query(`SELECT 1 FROM "${set.schema}".outbox WHERE published_at IS NULL`);
    expect(rows).to.deep.equal([]);
  });

  describe('with a context manager and a W3C propagator registered', () => {
    before(() => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    });

    after(() => {
      context.disable();
      propagation.disable();
    });

    it('when an event is appended inside a trace, then that trace context is the active one while it is published', async () => {
      const seen: (SpanContext | undefined)[] = [];
      startRelay({
        publish: async (event) => {
          seen.push(trace.getSpanContext(context.active()));
          await broker.publish(event);
        },
      });
      const appendedIn: SpanContext = {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.SAMPLED,
      };

      await context.with(trace.setSpanContext(ROOT_CONTEXT, appendedIn), () => commitEvents(aBookingHeldEvent()));
      await waitFor(() => (seen.length === 1 ? true : undefined), { what: 'the event' });

      expect(seen[0]).to.deep.include({
        traceId: appendedIn.traceId,
        spanId: appendedIn.spanId,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
      });
    });
  });
});
