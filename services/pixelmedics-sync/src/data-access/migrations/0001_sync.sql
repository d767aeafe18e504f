-- Up Migration
-- Settings of this practice as data (the administration console edits them).
CREATE TABLE settings (
  id text PRIMARY KEY DEFAULT 'practice' CHECK (id = 'practice'),
  -- A4: the colour of online appointments in the practice calendar.
  online_colour text NOT NULL DEFAULT '#2E7D32' CHECK (online_colour ~ '^#[0-9A-Fa-f]{6}$'),
  -- How often the catalogue and staff-made busy times are imported, and how far ahead.
  import_interval_seconds integer NOT NULL DEFAULT 300 CHECK (import_interval_seconds >= 10),
  import_horizon_days integer NOT NULL DEFAULT 120 CHECK (import_horizon_days BETWEEN 1 AND 730),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings DEFAULT VALUES;

-- Every booking event, kept until it is applied: the practice system may be down for a while,
-- and the events of one booking must be applied in the order they happened.
CREATE TABLE sync_jobs (
  seq bigserial PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  event_type text NOT NULL,
  booking_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  event jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  received_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz
);
CREATE INDEX sync_jobs_pending ON sync_jobs (booking_id, occurred_at, seq) WHERE status = 'pending';
CREATE INDEX sync_jobs_due ON sync_jobs (next_attempt_at) WHERE status = 'pending';

-- What the practice system holds for each booking.
CREATE TABLE booking_sync (
  booking_id uuid PRIMARY KEY,
  entry_id text,
  contact_id text,
  prospect_created boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE booking_sync;
DROP TABLE sync_jobs;
DROP TABLE settings;
