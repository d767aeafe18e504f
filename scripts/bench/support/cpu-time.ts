/**
 * CPU time spent by each part of a stack during a phase of a benchmark, read from the kernel's
 * account of each process (`/proc/<pid>/stat`). On a machine shared with other work, latencies
 * say more about the neighbours than about the code; the CPU time each part spends per request
 * does not depend on them nearly as much, and shows where a request's time goes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The kernel's clock ticks per second, the unit of the CPU times in `/proc/<pid>/stat`. */
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** A process to account for, by name. */
export interface Accounted {
  name: string;
  pids: () => Promise<number[]>;
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
