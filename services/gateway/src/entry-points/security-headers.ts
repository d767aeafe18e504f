import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Headers on every answer of the public port: nothing is sniffed, framed or allowed to load
 * anything (the API answers JSON, never a page), no Referer leaves with a link token, and HTTPS
 * is remembered as the site's own server has it (site/server/Caddyfile).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 63_072_000, includeSubDomains: true },
  });
}

/**
 * API answers carry personal data (a hold, a booking) or refusals about it: none is stored by a
 * browser or a proxy unless its route says otherwise (practice, catalogue and availability reads
 * set their own Cache-Control; ADR 12).
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('cache-control', 'no-store');
  next();
};
