-- Up Migration
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE bookings (
  id uuid PRIMARY KEY,
  appointment_type_id text NOT NULL,
  practitioner_id text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('held', 'confirmed', 'expired', 'withdrawn', 'cancelled')),
  expires_at timestamptz,
  language text NOT NULL,
  patient_first_name text NOT NULL,
  patient_last_name text NOT NULL,
  patient_email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  -- The core guarantee: two active bookings never overlap on one practitioner, whatever the
  -- concurrency. A held booking past its deadline is expired (status changed) before a new hold
  -- on its time is inserted, in the same transaction.
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
    practitioner_id WITH =,
    tstzrange(starts_at, ends_at) WITH &&
  ) WHERE (status IN ('held', 'confirmed'))
);

CREATE INDEX bookings_held_expiry ON bookings (expires_at) WHERE status = 'held';

-- Down Migration
DROP TABLE bookings;
