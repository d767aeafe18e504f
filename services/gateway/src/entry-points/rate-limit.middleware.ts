import { AppError } from '@otk/contracts';
import type { RequestHandler } from 'express';
import type { RateLimitStore } from '../data-access/rate-limits.store.js';
import { routeFamilyOf } from '../domain/route-families.js';

/**
 * Counts every API request against its route family's limit for the client's address (`req.ip`,
 * as `trust proxy` resolves it) and refuses what is over with 429 RATE_LIMITED and `Retry-After`.
 * It runs first, so that floods of refused requests are counted as well.
 */
export function rateLimit(store: RateLimitStore): RequestHandler {
  return async (req, res, next) => {
    const verdict = await store.consume(routeFamilyOf(req.path), req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (verdict.allowed) {
      next();
      return;
    }
    res.set('retry-after', String(verdict.retryAfterSeconds));
    next(
      new AppError('RATE_LIMITED', 'too many requests from this address; try again later', {
        retryAfterSeconds: verdict.retryAfterSeconds,
      }),
    );
  };
}
