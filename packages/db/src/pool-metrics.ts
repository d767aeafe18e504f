import type pg from 'pg';
import { Gauge, type Registry } from 'prom-client';

/**
 * `db_pool_clients{state}`: the process's connections to PostgreSQL (total, idle) and the queries
 * waiting for one (waiting); with `db_pool_max`, read at each scrape. Waiting queries while total
 * equals max is a pool that is too small or connections held too long.
 */
export function poolGauges(registry: Registry, pool: pg.Pool): void {
  for (const name of ['db_pool_clients', 'db_pool_max']) registry.removeSingleMetric(name);
  new Gauge({
    name: 'db_pool_clients',
    help: "Connections of the service's PostgreSQL pool by state (total, idle) and queries waiting for one (waiting)",
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
  new Gauge({ name: 'db_pool_max', help: "Size of the service's PostgreSQL pool", registers: [registry] }).set(
    pool.options.max ?? 10,
  );
}
