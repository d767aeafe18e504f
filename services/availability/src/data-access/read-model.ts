import { AppError } from '@otk/contracts';
import { Listener } from '@otk/db';
import type { Logger } from '@otk/telemetry';
import type pg from 'pg';
import { BusyIndex } from '../domain/busy-index.js';
import type { Catalogue } from '../domain/catalogue.js';
import { busyChannel, loadBlockingBusyTimes, loadBusyTime } from './busy-times.repository.js';
import { catalogueChannel, loadCatalogue } from './catalogue.repository.js';

/**
 * What this replica answers from: the catalogue and the busy index, in memory, loaded at start
 * and kept current by PostgreSQL notifications that every writer (event consumer, rebuild, seed,
 * import) sends on commit. A notification lost while the LISTEN connection was down does not
 * matter: each (re)connection reloads everything.
 */
export class ReadModel {
  readonly busy = new BusyIndex();
  private catalogue: Catalogue | undefined;
  private catalogueChanges = 0;
  private readonly listener: Listener;
  /** Notifications are applied one after another, in the order they came. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
  ) {
    this.listener = new Listener({
      connection: pool.options,
      channels: [catalogueChannel, busyChannel],
      logger,
      onNotification: (channel, payload) => void this.enqueue(() => this.onChange(channel, payload)),
      onListening: () => this.enqueue(() => this.reloadAll()),
    });
  }

  /** Loads everything once, then follows changes. */
  async start(): Promise<void> {
    await this.reloadAll();
    this.listener.start();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  /** Grows with every change of catalogue or busy times: cached answers compare it. */
  get version(): string {
    return `${this.catalogueChanges}.${this.busy.version}`;
  }

  /** Whether changes reach this replica now; while not, answers must not be cached. */
  get following(): boolean {
    return this.listener.listening;
  }

  current(): Catalogue {
    if (!this.catalogue) throw new AppError('UNAVAILABLE', 'the practice is not set up yet');
    return this.catalogue;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work).catch((error: unknown) => {
      this.logger.error({ err: error }, 'could not apply a change to the read model');
    });
    this.queue = next;
    return next;
  }

  private async onChange(channel: string, payload: string): Promise<void> {
    if (channel === catalogueChannel) return this.reloadCatalogue();
    if (payload === '*' || payload === '') return this.reloadBusy();
    this.busy.put(payload, await loadBusyTime(this.pool, payload));
  }

  private async reloadAll(): Promise<void> {
    await Promise.all([this.reloadCatalogue(), this.reloadBusy()]);
  }

  private async reloadCatalogue(): Promise<void> {
    this.catalogue = await loadCatalogue(this.pool);
    this.catalogueChanges++;
  }

  private async reloadBusy(): Promise<void> {
    this.busy.replaceAll(await loadBlockingBusyTimes(this.pool, new Date()));
  }
}
