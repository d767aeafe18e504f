import type { Logger } from '@otk/telemetry';
import pg from 'pg';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 10_000;

export interface ChangeFeedOptions {
  pool: pg.Pool;
  channels: string[];
  logger: Logger;
  onNotification(channel: string, payload: string): void;
  /**
   * Called each time LISTEN is (re)established: whatever changed while nobody listened must be
   * read again. Until the first call, and between a loss and the next call, `connected` is false.
   */
  onConnected(): Promise<void>;
}

/**
 * LISTENs to PostgreSQL notifications on a connection of its own (outside the pool), replaced
 * after a backoff whenever it dies. This is how every replica learns of changes another replica
 * (or the seed, or an import) committed.
 */
export class ChangeFeed {
  private client: pg.Client | undefined;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = true;
  private isConnected = false;

  constructor(private readonly options: ChangeFeedOptions) {}

  get connected(): boolean {
    return this.isConnected;
  }

  start(): void {
    this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): void {
    if (!this.running) return;
    const client = new pg.Client(this.options.pool.options);
    this.client = client;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      this.isConnected = false;
      client.end().catch(() => undefined);
      if (this.client === client) this.client = undefined;
      if (!this.running) return;
      this.failures += 1;
      const delay = Math.min(FIRST_RETRY_MS * 2 ** (this.failures - 1), MAX_RETRY_MS);
      this.options.logger.warn({ err: error, retryInMs: delay }, 'lost the LISTEN connection; reconnecting');
      this.timer = setTimeout(() => this.connect(), delay);
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('connection ended')));
    client.on('notification', (message) => this.options.onNotification(message.channel, message.payload ?? ''));
    client
      .connect()
      .then(async () => {
        for (const channel of this.options.channels) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        await this.options.onConnected();
        this.failures = 0;
        this.isConnected = !lost;
      })
      .catch(onLost);
  }
}
