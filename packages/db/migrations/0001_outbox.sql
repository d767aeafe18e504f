-- Up Migration
-- Events waiting to be published, written in the same transaction as the state change they
-- announce (transactional outbox). The migration runner sets search_path to the service's schema,
-- so this table lands there.
CREATE TABLE outbox (
  -- Publication order; assigned at insert, so rows of concurrent transactions may commit out of order.
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  event_type text NOT NULL,
  -- The envelope exactly as appended, published unchanged.
  envelope jsonb NOT NULL,
  -- W3C trace context of the appending transaction, so the trace continues through the broker.
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Published rows are kept for a retention period to help investigations, then pruned.
  published_at timestamptz
);

-- The relay only ever scans pending rows; this keeps that scan small however many rows are kept.
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Down Migration
DROP TABLE outbox;
