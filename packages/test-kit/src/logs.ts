import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';

/** A logger whose lines a test can read back, parsed. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/**
 * Runs a service's retention job (`start` returns its stop function) for one run and resolves
 * with the counts it logged.
 */
export async function oneRetentionRun(
  start: (logger: Logger, intervalMs: number) => () => Promise<void>,
): Promise<{ erased: Record<string, number>; lines: Record<string, unknown>[] }> {
  const { logger, lines } = memoryLogger();
  const stop = start(logger, 20);
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const line = lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('retention'));
      if (line) return { erased: line.erased as Record<string, number>, lines };
      if (Date.now() > deadline) throw new Error('no retention log line within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await stop();
  }
}
