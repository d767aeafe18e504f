import pg from 'pg';
import type { Logger } from 'pino';

const firstRetryMs = 100;
const maxRetryMs = 10_000;

export interface ListenerOptions {
  /** Connection settings; a pool's `options` will do. The listener opens a client of its own. */
  connection: pg.ClientConfig;
  channels: string[];
  logger: Logger;
  onNotification(channel: string, payload: string): void;
  /** After each successful LISTEN: whatever was committed while nobody listened must be read now. */
  onListening?(): Promise<void> | void;
  /** The connection died; a new one follows after a backoff. */
  onLost?(): void;
}

/**
 * LISTENs to PostgreSQL notifications on a connection of its own, outside any pool, since it stays
 * open for the process's lifetime. When that connection dies it is replaced after a backoff
 * (100 ms doubling to 10 s). Notifications sent meanwhile are lost: `onListening` is the place to
 * catch up.
 */
export class Listener {
  private client: pg.Client | undefined;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private isListening = false;

  constructor(private readonly options: ListenerOptions) {}

  /** True while notifications reach this process (LISTEN done and `onListening` finished). */
  get listening(): boolean {
    return this.isListening;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.isListening = false;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): void {
    if (!this.running) return;
    const client = new pg.Client(this.options.connection);
    this.client = client;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      this.isListening = false;
      client.end().catch(() => undefined);
      if (this.client === client) this.client = undefined;
      if (!this.running) return;
      this.failures += 1;
      const delay = Math.min(firstRetryMs * 2 ** (this.failures - 1), maxRetryMs);
      this.options.logger.warn({ err: error, retryInMs: delay }, 'lost the LISTEN connection; reconnecting');
      this.timer = setTimeout(() => this.connect(), delay);
      this.options.onLost?.();
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('connection ended')));
    client.on('notification', (message) => this.options.onNotification(message.channel, message.payload ?? ''));
    client
      .connect()
      .then(async () => {
        for (const channel of this.options.channels) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        await this.options.onListening?.();
        this.failures = 0;
        this.isListening = !lost;
      })
      .catch(onLost);
  }
}
