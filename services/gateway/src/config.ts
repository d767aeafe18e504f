import { env, z } from '@otk/config';
import { baseServiceEnv } from '@otk/runtime';

export const configSchema = z.object({
  ...baseServiceEnv,
  PORT: env.port(8080),
  MANAGEMENT_PORT: env.port(9080),
  /** How long the gateway waits for a service's answer before it replies 504 TIMEOUT. */
  RPC_TIMEOUT_MS: env.positiveInt(5000),
  /** How long the same practice, catalogue or availability answer is reused (0: only shared while in flight). */
  AVAILABILITY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(250),
  /**
   * How long a SLOT_TAKEN refusal of hold-manager is given again to requests without an
   * Idempotency-Key for the same slot, without asking again (ADR 25; 0: always ask).
   */
  TAKEN_SLOT_MEMORY_MS: z.coerce.number().int().min(0).default(1000),
  /** How many reverse proxies (ingress, load balancer) stand before the gateway and add X-Forwarded-For. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  /** A console session ends after this long without a request… */
  ADMIN_SESSION_IDLE_MINUTES: env.positiveInt(30),
  /** …and this long after sign-in in any case. */
  ADMIN_SESSION_ABSOLUTE_HOURS: env.positiveInt(12),
  /** The session cookie is sent only over HTTPS; turn off only for a local stack on plain HTTP. */
  ADMIN_COOKIE_SECURE: env.boolean(true),
  /** How often audit entries older than the practice's retention are deleted (ADR 71, ADR 80). */
  RETENTION_INTERVAL_MS: env.positiveInt(3600_000),
  /** Largest JSON body accepted (413 PAYLOAD_TOO_LARGE above it); a hold is about 1 kB. */
  BODY_LIMIT_BYTES: env.positiveInt(16_384),
  /** Rate limits per client address and route family, shared by all replicas (ADR 70). */
  RATE_LIMIT_ENABLED: env.boolean(true),
  /** Practice, catalogue and availability reads, and paths the API does not have, per minute. */
  RATE_LIMIT_READS_PER_MINUTE: env.positiveInt(300),
  /** Holds placed per minute. */
  RATE_LIMIT_HOLDS_PER_MINUTE: env.positiveInt(10),
  /** Confirm, withdraw, show, change and cancel steps per minute. */
  RATE_LIMIT_BOOKING_STEPS_PER_MINUTE: env.positiveInt(30),
});

export type Config = z.infer<typeof configSchema>;
