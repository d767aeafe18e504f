-- Up Migration
-- Rate-limit counters shared by every gateway replica (ADR 70), in the shape rate-limiter-flexible's
-- PostgreSQL store reads and writes: one row per route family and hashed client address, `points`
-- used in the window that ends at `expire` (milliseconds since the epoch). Expired rows are deleted
-- by the gateway every few minutes.
CREATE TABLE rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

-- Down Migration
DROP TABLE rate_limits;
