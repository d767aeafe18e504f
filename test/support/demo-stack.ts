import { createPool } from '@otk/db';
import { waitFor } from '@otk/test-kit';
import { seedDemoPractice } from '../../services/availability/scripts/demo-practice.seed.js';
import { type Stack, startStack } from './stack.js';

/**
 * The whole product with the demo practice seeded, as `make up` has it. Hold limits are raised
 * (`holdLimits`) because every request of a test comes from one client address.
 */
export async function startDemoStack(
  options: { env?: Record<string, string>; settings?: Record<string, number> } = {},
): Promise<Stack> {
  const stack = await startStack(options.env);
  const pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
  try {
    await seedDemoPractice(pool);
    const settings = { max_open_holds_per_client: 100000, ...options.settings };
    const entries = Object.entries(settings);
    await pool.query(
      `UPDATE hold_manager.settings SET ${entries.map(([column], i) => `${column} = $${i + 1}`).join(', ')}`,
      entries.map(([, value]) => value),
    );
  } finally {
    await pool.end();
  }
  // Availability picks the catalogue up from its change feed.
  await waitFor(
    async () => {
      const response = await fetch(`${stack.gatewayUrl}/api/v1/catalogue`);
      const body = (await response.json()) as { appointmentTypes?: unknown[] };
      return response.status === 200 && (body.appointmentTypes?.length ?? 0) > 0 ? true : undefined;
    },
    { timeoutMs: 30000, what: 'availability to serve the demo catalogue' },
  );
  return stack;
}
