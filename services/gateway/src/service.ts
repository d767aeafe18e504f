import type { ServiceDefinition } from '@otk/runtime';
import express from 'express';
import { configSchema } from './config.js';
import { migrations } from './data-access/migrations.js';
import { startAdminHousekeeping } from './entry-points/admin-housekeeping.timer.js';
import { adminRoutes, sessionTimeouts, signInLimits } from './entry-points/admin.routes.js';
import { availabilityRoutes } from './entry-points/availability.routes.js';
import { bookingsRoutes } from './entry-points/bookings.routes.js';
import { errorHandler, notFound } from './entry-points/error-handler.js';
import { holdsRoutes } from './entry-points/holds.routes.js';

export const gateway: ServiceDefinition<typeof configSchema> = {
  name: 'gateway',
  configSchema,
  migrations,
  async start({ app, broker, config, logger, pool }) {
    // The client's address (open-hold limits, D4) is the first one the trusted proxies saw.
    app.set('trust proxy', config.TRUST_PROXY_HOPS);
    const api = express.Router();
    api.use(express.json({ limit: '16kb' }));
    api.use(holdsRoutes(broker, config.RPC_TIMEOUT_MS));
    api.use(bookingsRoutes(broker, config.RPC_TIMEOUT_MS));
    api.use(availabilityRoutes(broker, config));
    api.use('/admin', adminRoutes({ pool, broker, config }));
    app.use('/api/v1', api);
    app.use(notFound);
    app.use(errorHandler(logger));
    const stopHousekeeping = startAdminHousekeeping({
      pool,
      logger,
      timeouts: sessionTimeouts(config),
      attemptWindowSeconds: signInLimits.windowSeconds,
      auditRetentionDays: config.ADMIN_AUDIT_RETENTION_DAYS,
    });
    return { stop: stopHousekeeping };
  },
};
