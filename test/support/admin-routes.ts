import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Broker } from '@otk/messaging';
import type { Router } from 'express';
import type pg from 'pg';
import { parse } from 'yaml';
import { configSchema } from '../../services/gateway/src/config.js';
import { adminRoutes } from '../../services/gateway/src/entry-points/admin.routes.js';
import { SharedAnswers } from '../../services/gateway/src/domain/shared-answers.js';

export type StaffRole = 'admin' | 'staff';

/** One operation of the console API as docs/api/openapi.yaml describes it. */
export interface DocumentedAdminRoute {
  method: string;
  /** The OpenAPI path, e.g. `/admin/bookings/{id}`. */
  path: string;
  /** `x-otk-roles`: who may use it; undefined for an operation open without a session (signing in). */
  roles: StaffRole[] | undefined;
  /** `x-otk-csrf`: false for the one read that needs no X-OTK-CSRF header. */
  csrf: boolean;
}

const file = fileURLToPath(new URL('../../docs/api/openapi.yaml', import.meta.url));
const methods = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** Every operation under `/admin` in the OpenAPI document. */
export function documentedAdminRoutes(): DocumentedAdminRoute[] {
  const document = parse(readFileSync(file, 'utf8')) as {
    paths: Record<string, Record<string, { 'x-otk-roles'?: StaffRole[]; 'x-otk-csrf'?: boolean }>>;
  };
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/admin/'))
    .flatMap(([path, item]) =>
      methods
        .filter((method) => item[method])
        .map((method) => ({
          method: method.toUpperCase(),
          path,
          roles: item[method]!['x-otk-roles'],
          csrf: item[method]!['x-otk-csrf'] !== false,
        })),
    );
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/**
 * Every route the gateway's console router registers, as `METHOD /admin/path/{param}`: read from
 * the Express router the gateway mounts under /api/v1/admin (built here, not started).
 */
export function registeredAdminRoutes(): string[] {
  const config = configSchema.parse({ DATABASE_URL: 'postgres://unused', AMQP_URL: 'amqp://unused' });
  const router = adminRoutes({ pool: {} as pg.Pool, broker: {} as Broker, config, answers: new SharedAnswers(0) });
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = `/admin${layer.route.path.replace(/:(\w+)/g, '{$1}')}`;
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as Router & { stack: Layer[] }).stack);
  return found;
}
