/**
 * CPU time spent by each part of a stack during a phase of a benchmark, read from the kernel's
 * account of each process (`/proc/<pid>/stat`). On a machine shared with other work, latencies
 * say more about the neighbours than about the code; the CPU time each part spends per request
 * does not depend on them nearly as much, and shows where a request's time goes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createPool } from '@otk/db';
import { type Stack, serviceNames } from '../../../test/support/stack.js';
import { ms } from './latency.js';

/** The kernel's clock ticks per second, the unit of the CPU times in `/proc/<pid>/stat`. */
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** A process to account for, by name. */
export interface Accounted {
  name: string;
  pids: () => Promise<number[]>;
}

/** The processes running `command`, by `pgrep -x`; none if there is none. */
function pidsOf(command: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', command], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU milliseconds (user + system) of a process so far; 0 once it is gone. */
function cpuMsOf(pid: number): number {
  try {
    // The fields after the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return 0;
  }
}

/** Starts counting; `stop()` returns each part's CPU milliseconds since the start. */
export async function startCpuAccount(parts: Accounted[]): Promise<{ stop(): Promise<Map<string, number>> }> {
  const read = async () => {
    const totals = new Map<string, Map<number, number>>();
    for (const part of parts) totals.set(part.name, new Map((await part.pids()).map((pid) => [pid, cpuMsOf(pid)])));
    return totals;
  };
  const before = await read();
  return {
    async stop() {
      const after = await read();
      const spent = new Map<string, number>();
      for (const [name, pids] of after) {
        let ms = 0;
        // A process that started during the phase counts from zero.
        for (const [pid, total] of pids) ms += total - (before.get(name)?.get(pid) ?? 0);
        spent.set(name, ms);
      }
      return spent;
    },
  };
}

/**
 * The processes a phase keeps busy: the bench itself (its HTTP client), each service, and the
 * PostgreSQL backends serving the stack's database, and the RabbitMQ broker as a whole: it serves
 * whatever else runs on the machine too, so its figure is the stack's part only on a quiet machine.
 */
export function stackProcesses(stack: Stack): Accounted[] {
  const services = serviceNames.map((name) => ({
    name,
    pids: async () => [stack.services[name].child.pid ?? 0],
  }));
  const postgres = {
    name: 'postgres',
    pids: async () => {
      const pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'bench' });
      try {
        const { rows } = await pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [stack.db.name],
        );
        return rows.map((row) => row.pid);
      } finally {
        await pool.end();
      }
    },
  };
  const rabbitmq = { name: 'rabbitmq (whole broker)', pids: async () => pidsOf('beam.smp') };
  return [{ name: 'bench client', pids: async () => [process.pid] }, ...services, postgres, rabbitmq];
}

/**
 * `gateway 1.23 s (2.5 ms/request), …` for each part, then the total; with the phase's length,
 * also the share of one core each part kept busy (`0.95 cores`).
 */
export function describeCpu(spent: Map<string, number>, requests: number, phaseSeconds?: number): string {
  const total = [...spent.values()].reduce((sum, cpuMs) => sum + cpuMs, 0);
  const parts = [...spent, ['total', total] as const].map(([name, cpuMs]) => {
    const cores = phaseSeconds ? `, ${(cpuMs / 1000 / phaseSeconds).toFixed(2)} cores` : '';
    return `${name} ${ms(cpuMs)} (${(cpuMs / requests).toFixed(3)} ms/request${cores})`;
  });
  return parts.join(', ');
}
