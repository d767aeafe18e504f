import type { ServiceDefinition } from '@otk/runtime';
import express from 'express';
import { configSchema } from './config.js';
import { migrations } from './data-access/migrations.js';
import { startAdminHousekeeping } from './entry-points/admin-housekeeping.timer.js';
import { startAuditRetention } from './entry-points/audit-retention.timer.js';
import { adminRoutes, sessionTimeouts, signInLimits } from './entry-points/admin.routes.js';
import { RateLimitStore } from './data-access/rate-limits.store.js';
import { availabilityRoutes } from './entry-points/availability.routes.js';
import { bookingsRoutes } from './entry-points/bookings.routes.js';
import { errorHandler, notFound } from './entry-points/error-handler.js';
import { holdsRoutes } from './entry-points/holds.routes.js';
import { waitlistRoutes } from './entry-points/waitlist.routes.js';
import { forgetAnswersOnOccupancy } from './entry-points/occupancy-notices.consumer.js';
import { SharedAnswers } from './domain/shared-answers.js';
import { httpSemantics } from './entry-points/http-semantics.js';
import { rateLimit } from './entry-points/rate-limit.middleware.js';
import { noStore, securityHeaders } from './entry-points/security-headers.js';

export const gateway: ServiceDefinition<typeof configSchema> = {
  name: 'gateway',
  configSchema,
  migrations,
  async start({ app, broker, config, logger, pool }) {
    // The client's address (open-hold limits, D4; rate limits, ADR 70) is the first one the
    // trusted proxies saw.
    app.set('trust proxy', config.TRUST_PROXY_HOPS);
    app.use(securityHeaders());
    const api = express.Router();
    api.use(noStore);
    if (config.RATE_LIMIT_ENABLED) {
      const perMinute = {
        reads: config.RATE_LIMIT_READS_PER_MINUTE,
        holds: config.RATE_LIMIT_HOLDS_PER_MINUTE,
        bookingSteps: config.RATE_LIMIT_BOOKING_STEPS_PER_MINUTE,
      };
      api.use(rateLimit(new RateLimitStore(pool, perMinute, logger)));
    }
    const semantics = httpSemantics(api);
    api.use(semantics.beforeRoutes);
    // Compressed bodies are refused (415): the site never sends one, and inflating is work for nothing.
    api.use(express.json({ limit: config.BODY_LIMIT_BYTES, inflate: false }));
    // The reads patients send most come first: the router tries its routes in order.
    const answers = new SharedAnswers(config.AVAILABILITY_CACHE_TTL_MS);
    await forgetAnswersOnOccupancy(broker, answers);
    api.use(availabilityRoutes(broker, config, answers));
    api.use(holdsRoutes(broker, config));
    api.use(bookingsRoutes(broker, config.RPC_TIMEOUT_MS));
    api.use(waitlistRoutes(broker, config.RPC_TIMEOUT_MS));
    api.use('/admin', adminRoutes({ pool, broker, config, answers }));
    api.use(semantics.afterRoutes);
    app.use('/api/v1', api);
    app.use(notFound);
    app.use(errorHandler(logger));
    const stopHousekeeping = startAdminHousekeeping({
      pool,
      logger,
      timeouts: sessionTimeouts(config),
      attemptWindowSeconds: signInLimits.windowSeconds,
    });
    const stopRetention = startAuditRetention({ pool, now: () => new Date() }, logger, config.RETENTION_INTERVAL_MS);
    return {
      stop: async () => {
        await Promise.all([stopHousekeeping(), stopRetention()]);
      },
    };
  },
};
