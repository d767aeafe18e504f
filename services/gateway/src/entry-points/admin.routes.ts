import type { Broker } from '@otk/messaging';
import { Router } from 'express';
import type pg from 'pg';
import type { Config } from '../config.js';
import type { SessionTimeouts } from '../data-access/session.repository.js';
import { staffStore } from '../data-access/staff-store.js';
import { totpMatches } from '../domain/totp.js';
import { staffGuard } from './admin-auth.js';
import { adminAuditRoutes } from './admin-audit.routes.js';
import { adminBookingsRoutes } from './admin-bookings.routes.js';
import { adminCatalogueRoutes } from './admin-catalogue.routes.js';
import { adminPatientDataRoutes } from './admin-patient-data.routes.js';
import { adminOperationsRoutes } from './admin-operations.routes.js';
import { adminSessionRoutes } from './admin-session.routes.js';
import { adminSettingsRoutes } from './admin-settings.routes.js';
import { adminWaitlistRoutes } from './admin-waitlist.routes.js';
import { adminWebhooksRoutes } from './admin-webhooks.routes.js';
import type { SharedAnswers } from '../domain/shared-answers.js';

/** Five failures per account or twenty per client address in fifteen minutes, then a cool-down. */
export const signInLimits = { windowSeconds: 15 * 60, perAccount: 5, perClient: 20 };

export function sessionTimeouts(config: Config): SessionTimeouts {
  return {
    idleSeconds: config.ADMIN_SESSION_IDLE_MINUTES * 60,
    absoluteSeconds: config.ADMIN_SESSION_ABSOLUTE_HOURS * 3600,
  };
}

/**
 * The administration console's API under /api/v1/admin. Every route but signing in needs a staff
 * session (cookie), the right role, and — except reading the session — the X-OTK-CSRF header.
 */
export function adminRoutes(deps: {
  pool: pg.Pool;
  broker: Broker;
  config: Config;
  /** The patient-facing answers this replica shares; a change to settings or catalogue drops them. */
  answers: SharedAnswers;
}): Router {
  const { pool, config } = deps;
  const timeouts = sessionTimeouts(config);
  const guard = staffGuard({ pool, timeouts, secureCookie: config.ADMIN_COOKIE_SECURE });
  const router = Router();
  // Nothing the console answers may be kept by a browser or a proxy.
  router.use((_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  router.use(
    adminSessionRoutes({
      pool,
      guard,
      signIn: { store: staffStore(pool, signInLimits), totpMatches },
      cookie: { secure: config.ADMIN_COOKIE_SECURE, maxAgeMs: timeouts.absoluteSeconds * 1000 },
    }),
  );
  // A change to the practice's settings or catalogue holds for the very next patient request that
  // reaches this replica (the others keep an answer for at most their cache's TTL and grace, ADR 12).
  router.use(['/settings', '/catalogue'], (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.on('finish', () => {
        if (res.statusCode < 300) deps.answers.forgetAll();
      });
    }
    next();
  });
  const rpc = { pool, broker: deps.broker, rpcTimeoutMs: config.RPC_TIMEOUT_MS, guard };
  router.use(adminSettingsRoutes(rpc));
  router.use(adminCatalogueRoutes(rpc));
  router.use(adminBookingsRoutes(rpc));
  router.use(adminPatientDataRoutes(rpc));
  router.use(adminWaitlistRoutes(rpc));
  router.use(adminWebhooksRoutes(rpc));
  router.use(adminOperationsRoutes(rpc));
  router.use(adminAuditRoutes({ pool, guard }));
  return router;
}
