import { env, z } from '@otk/config';
import { baseServiceEnv } from '@otk/runtime';

export const configSchema = z.object({
  ...baseServiceEnv,
  PORT: env.port(8082),
  MANAGEMENT_PORT: env.port(9082),
  /** How often overdue holds whose expiry message was lost are released (D3); at most this late. */
  HOLD_EXPIRY_SWEEP_INTERVAL_MS: env.positiveInt(30000),
  /** How long a hold or change waits for availability's slot check before it fails with TIMEOUT. */
  SLOT_CHECK_TIMEOUT_MS: env.positiveInt(3000),
  /** Places on the waiting list (pending or waiting) per e-mail address or phone number (ADR 26). */
  WAITLIST_MAX_ENTRIES_PER_CONTACT: env.positiveInt(3),
  /** Places on the waiting list per client address. */
  WAITLIST_MAX_ENTRIES_PER_CLIENT: env.positiveInt(20),
  /** How many waiting patients a freed slot is offered to at once, in order of joining; the first to book it gets it. */
  WAITLIST_OFFERS_PER_SLOT: env.positiveInt(3),
  /** How often the waiting list looks for slots freed by changes in the practice calendar or the catalogue. */
  WAITLIST_SCAN_INTERVAL_MS: env.positiveInt(300_000),
  /** How often entries whose range is over leave the waiting list. */
  WAITLIST_EXPIRY_INTERVAL_MS: env.positiveInt(60_000),
  /** How often data past its retention period is erased (ADR 71). */
  RETENTION_INTERVAL_MS: env.positiveInt(3600_000),
  /** How long an expired or withdrawn hold is kept after it ended (at most 23, so it is gone within a day). */
  RETENTION_ENDED_HOLD_HOURS: z.coerce.number().int().min(0).max(23).default(12),
  /** How long a past booking (after its end) or a cancelled one (after the cancellation) is kept. */
  RETENTION_BOOKING_DAYS: env.positiveInt(90),
  /** How long a published event keeps its data (patient, link tokens) in the outbox. */
  RETENTION_PUBLISHED_EVENT_MINUTES: z.coerce.number().int().min(0).default(60),
});

export type Config = z.infer<typeof configSchema>;
