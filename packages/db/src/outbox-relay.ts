import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';
import type { Envelope } from '@otk/contracts';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { Listener } from './listener.js';
import { type OutboxMetrics, outboxMetrics } from './outbox-metrics.js';
import { outboxChannel } from './outbox.js';
import { quoteSchema } from './schema-name.js';
import { withTransaction } from './transaction.js';

export interface OutboxRelayOptions {
  pool: pg.Pool;
  schema: string;
  /** Resolves once the broker has confirmed the event; rejects when it has not. */
  publish: (event: Envelope) => Promise<void>;
  logger: Logger;
  registry: Registry;
  /** Safety-net poll for a missed notification. */
  pollIntervalMs?: number;
  batchSize?: number;
  /** How long published rows (without their data) are kept for investigations before they are pruned. */
  publishedRetentionMs?: number;
}

type BatchOutcome = 'drained' | 'more' | 'failed';

interface OutboxRow {
  id: string;
  envelope: Envelope;
  headers: Record<string, string>;
}

const firstRetryMs = 100;
// Caps how long an event waits after the broker or database is back.
const maxRetryMs = 10_000;
const pruneEveryMs = 10 * 60_000;

/**
 * Publishes the outbox of one schema, in id order, at least once. Woken by NOTIFY on commit, and
 * polls as a safety net. Replicas may run side by side: rows are claimed with FOR UPDATE SKIP
 * LOCKED, so no two publish the same row at once (the order across replicas is then per batch).
 * A publish failure ends the batch, keeps the failed row and those after it, and retries with
 * backoff. Errors are logged and retried, never thrown.
 */
export class OutboxRelay {
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private readonly table: string;
  private readonly publish: (event: Envelope) => Promise<void>;
  private readonly logger: Logger;
  private readonly metrics: OutboxMetrics;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly publishedRetentionMs: number;

  private running = false;
  private loop: Promise<void> | undefined;
  /** Ends the current wait early; set only while the loop waits. */
  private endWait: (() => void) | undefined;
  /** A notification arrived while a batch was in flight: run again without waiting. */
  private notified = false;
  private failures = 0;
  private readonly listener: Listener;
  private lastPruneAt = 0;

  constructor(options: OutboxRelayOptions) {
    this.pool = options.pool;
    this.schema = options.schema;
    this.table = `${quoteSchema(options.schema)}.outbox`;
    this.publish = options.publish;
    this.logger = options.logger.child({ component: 'outbox-relay', schema: options.schema });
    this.metrics = outboxMetrics(options.registry);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 100;
    this.publishedRetentionMs = options.publishedRetentionMs ?? 7 * 24 * 3600_000;
    // Anything committed while nobody listened is picked up once the connection is lost rather
    // than at the next poll.
    this.listener = new Listener({
      connection: this.pool.options,
      channels: [outboxChannel(this.schema)],
      logger: this.logger,
      onNotification: this.onNotification,
      onLost: this.onNotification,
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.listener.start();
    this.loop = this.run();
  }

  /** Lets the batch in flight finish (and commit), then stops listening and polling. */
  async stop(): Promise<void> {
    this.running = false;
    this.endWait?.();
    await Promise.all([this.loop, this.listener.stop()]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.notified = false;
      const outcome = await this.cycle();
      if (outcome === 'failed') {
        this.failures += 1;
        await this.wait(Math.min(firstRetryMs * 2 ** (this.failures - 1), maxRetryMs));
      } else {
        this.failures = 0;
        if (outcome === 'drained' && !this.notified) await this.wait(this.pollIntervalMs);
      }
    }
  }

  private async cycle(): Promise<BatchOutcome> {
    try {
      const outcome = await this.relayBatch();
      await this.refreshGauges();
      await this.pruneIfDue();
      return outcome;
    } catch (error) {
      this.logger.error({ err: error }, 'outbox relay failed on the database; retrying');
      return 'failed';
    }
  }

  private relayBatch(): Promise<BatchOutcome> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, envelope, headers FROM ${this.table} WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      const published: string[] = [];
      let failed = false;
      for (const row of rows) {
        try {
          // The stored context becomes the active one, so the publish span joins the appender's trace.
          await context.with(propagation.extract(ROOT_CONTEXT, row.headers), () => this.publish(row.envelope));
        } catch (error) {
          failed = true;
          this.metrics.publishFailures.inc();
          this.logger.warn(
            { err: error, eventId: row.envelope.id, attempt: this.failures + 1 },
            'publishing an outbox event failed; will retry',
          );
          break;
        }
        published.push(row.id);
      }
      // Counted before the commit: an event the broker has confirmed is out, even if marking it
      // fails and it goes out again (consumers deduplicate).
      this.metrics.published.inc(published.length);
      // The data (personal data, link tokens) goes with the publication: consumers have it now. Id,
      // type, version, times and subject stay for investigations.
      if (published.length > 0) {
        await client.query(
          `UPDATE ${this.table} SET published_at = now(), envelope = envelope - 'data' WHERE id = ANY($1::bigint[])`,
          [published],
        );
      }
      if (failed) return 'failed';
      return rows.length === this.batchSize ? 'more' : 'drained';
    });
  }

  private async refreshGauges(): Promise<void> {
    const { rows } = await this.pool.query<{ pending: number; oldest_age: number }>(
      `SELECT count(*)::float8 AS pending, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_age
         FROM ${this.table} WHERE published_at IS NULL`,
    );
    this.metrics.pending.set(rows[0]?.pending ?? 0);
    this.metrics.oldestPendingAge.set(rows[0]?.oldest_age ?? 0);
  }

  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPruneAt < pruneEveryMs) return;
    this.lastPruneAt = Date.now();
    const { rowCount } = await this.pool.query(
      `DELETE FROM ${this.table} WHERE published_at < now() - make_interval(secs => $1)`,
      [this.publishedRetentionMs / 1000],
    );
    if (rowCount) this.logger.debug({ pruned: rowCount }, 'pruned published outbox rows');
  }

  /** Waits `ms`; a notification ends the wait early unless the relay is backing off after a failure. */
  private wait(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.endWait = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.endWait = done;
    });
  }

  private readonly onNotification = (): void => {
    this.notified = true;
    if (this.failures === 0) this.endWait?.();
  };
}
