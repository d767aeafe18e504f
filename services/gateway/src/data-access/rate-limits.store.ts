import { createHash } from 'node:crypto';
import type pg from 'pg';
import { RLWrapperTimeouts, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import type { RouteFamily } from '../domain/route-families.js';

/** One request counted: allowed, or refused until `retryAfterSeconds` from now. */
export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const WINDOW_SECONDS = 60;
/** A counter update takes a millisecond or two; one that hangs (a stalled database) is not waited for. */
const STORE_TIMEOUT_MS = 500;

/**
 * Counters per route family and client address in `gateway.rate_limits`, which every replica
 * shares (rate-limiter-flexible's PostgreSQL store; ADR 70). If the database cannot be reached or
 * takes longer than STORE_TIMEOUT_MS, each replica counts in memory meanwhile (the library's
 * insurance limiter): the limits then hold per replica rather than in all, and requests are
 * neither refused nor held up for want of a counter.
 * The address is kept only as a hash, as hold-manager keeps it.
 */
export class RateLimitStore {
  private readonly limiters: Record<RouteFamily, RLWrapperTimeouts>;

  constructor(pool: pg.Pool, perMinute: Record<RouteFamily, number>, logger: Logger) {
    const limiter = (family: RouteFamily) => {
      const insuranceLimiter = new InsuranceLimiter(logger, family, perMinute[family]);
      const shared = new RateLimiterPostgres({
        storeClient: pool,
        storeType: 'pool',
        schemaName: 'gateway',
        tableName: 'rate_limits',
        tableCreated: true,
        keyPrefix: family,
        points: perMinute[family],
        duration: WINDOW_SECONDS,
        insuranceLimiter,
      });
      return new RLWrapperTimeouts({ limiter: shared, insuranceLimiter, timeoutMs: STORE_TIMEOUT_MS });
    };
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
