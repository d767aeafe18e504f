import { AppError } from '@otk/contracts';
import { lagBuckets } from '@otk/telemetry';
import { Counter, Histogram, type Registry } from 'prom-client';

/** What SREs watch of hold-manager: answers per command and code, their duration, and expiries by trigger. */
export interface BookingMetrics {
  commands: Counter<'command' | 'outcome'>;
  commandDuration: Histogram<'command'>;
  expiries: Counter<'trigger'>;
  expiryLag: Histogram<'trigger'>;
}

/** What expires a hold: its delayed message, or the sweep when the message was lost or late. */
export const expiryTriggers = ['message', 'sweep'] as const;

/**
 * The expiry counter starts at 0 for both triggers (a closed set), so the first expiry is a rise
 * that `rate()` sees, and the sweep's line is 0 rather than missing while messages do the work.
 */
export function bookingMetrics(registry: Registry): BookingMetrics {
  const metrics: BookingMetrics = {
    commands: new Counter({
      name: 'booking_commands_total',
      help: 'Booking commands answered, by command and outcome (ok or the refusal code, e.g. SLOT_TAKEN)',
      labelNames: ['command', 'outcome'] as const,
      registers: [registry],
    }),
    commandDuration: new Histogram({
      name: 'booking_command_duration_seconds',
      help: 'Time to answer a booking command, slot check and transaction included',
      labelNames: ['command'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    expiries: new Counter({
      name: 'hold_expiries_total',
      help: 'Holds expired, by what expired them: the delayed message or the sweep (message lost or late)',
      labelNames: ['trigger'] as const,
      registers: [registry],
    }),
    expiryLag: new Histogram({
      name: 'hold_expiry_lag_seconds',
      help: "Time from a hold's deadline until it is expired and its slot released (booking.expired committed), by trigger",
      labelNames: ['trigger'] as const,
      buckets: lagBuckets,
      registers: [registry],
    }),
  };
  for (const trigger of expiryTriggers) metrics.expiries.inc({ trigger }, 0);
  // Only the delayed message measures the lag from the deadline (the sweep's is its interval).
  metrics.expiryLag.zero({ trigger: 'message' });
  return metrics;
}

/** Runs a command handler and counts its outcome; the error itself goes on to the caller unchanged. */
export async function measured<T>(metrics: BookingMetrics, command: string, run: () => Promise<T>): Promise<T> {
  const stop = metrics.commandDuration.startTimer({ command });
  try {
    const result = await run();
    metrics.commands.inc({ command, outcome: 'ok' });
    return result;
  } catch (error) {
    metrics.commands.inc({ command, outcome: error instanceof AppError ? error.code : 'error' });
    throw error;
  } finally {
    stop();
  }
}
