import { createHash } from 'node:crypto';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import type { RouteFamily } from '../domain/route-families.js';

/** One request counted: allowed, or refused until `retryAfterSeconds` from now. */
export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const WINDOW_SECONDS = 60;

/**
 * Counters per route family and client address in `gateway.rate_limits`, which every replica
 * shares (rate-limiter-flexible's PostgreSQL store; ADR 70). If the database cannot be reached,
 * each replica counts in memory meanwhile (the library's insurance limiter): the limits then hold
 * per replica rather than in all, and requests are not refused for want of a counter.
 * The address is kept only as a hash, as hold-manager keeps it.
 */
export class RateLimitStore {
  private readonly limiters: Record<RouteFamily, RateLimiterPostgres>;

  constructor(pool: pg.Pool, perMinute: Record<RouteFamily, number>, logger: Logger) {
    const limiter = (family: RouteFamily) =>
      new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        schemaName: 'gateway',
        tableName: 'rate_limits',
        tableCreated: true,
        keyPrefix: family,
        points: perMinute[family],
        duration: WINDOW_SECONDS,
        insuranceLimiter: new InsuranceLimiter(logger, family, perMinute[family]),
      });
    this.limiters = { reads: limiter('reads'), holds: limiter('holds'), bookingSteps: limiter('bookingSteps') };
  }

  async consume(family: RouteFamily, clientAddress: string): Promise<RateVerdict> {
    try {
      await this.limiters[family].consume(hashOf(clientAddress));
      return { allowed: true };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
    }
  }
}

/** The in-memory stand-in while the database is unreachable; says once per outage that it took over. */
class InsuranceLimiter extends RateLimiterMemory {
  private warned = false;

  constructor(
    private readonly logger: Logger,
    private readonly family: RouteFamily,
    points: number,
  ) {
    super({ keyPrefix: family, points, duration: WINDOW_SECONDS });
  }

  override consume(key: string | number, points?: number, options?: Record<string, unknown>): Promise<RateLimiterRes> {
    if (!this.warned) {
      this.warned = true;
      this.logger.warn({ family: this.family }, 'rate-limit counters unreachable; counting in this replica alone');
      setTimeout(() => (this.warned = false), WINDOW_SECONDS * 1000).unref();
    }
    return super.consume(key, points, options);
  }
}

function hashOf(clientAddress: string): string {
  return createHash('sha256').update(clientAddress).digest('base64url');
}
