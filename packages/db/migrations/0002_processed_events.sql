-- Up Migration
-- The inbox of idempotent consumers: a row per event a consumer has applied, inserted in the same
-- transaction as the consumer's own change, so a redelivered event is recognised and skipped.
CREATE TABLE processed_events (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Down Migration
DROP TABLE processed_events;
