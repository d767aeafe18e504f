-- Up Migration
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- One row per booking, whatever its state. The slot it blocks lives in booking_occupancy.
CREATE TABLE bookings (
  id uuid PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('held', 'confirmed', 'expired', 'withdrawn', 'cancelled')),
  appointment_type_id text NOT NULL,
  appointment_type_name jsonb NOT NULL,
  practitioner_id text NOT NULL,
  practitioner_name text NOT NULL,
  time_zone text NOT NULL,
  visit_kind text CHECK (visit_kind IN ('first', 'followup')),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  occupied_from timestamptz NOT NULL,
  occupied_until timestamptz NOT NULL,
  -- [{kind, id}] as availability reported them; booking_occupancy holds one row per entry.
  occupants jsonb NOT NULL,
  -- The hold's deadline (D3); kept after the hold ends, for the record.
  expires_at timestamptz NOT NULL,
  changeable_until timestamptz NOT NULL,
  language text NOT NULL CHECK (language IN ('de', 'fr', 'it', 'en')),
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  patient jsonb NOT NULL,
  -- Lower-cased e-mail or phone of the chosen channel: counts open holds per contact (D4).
  contact_key text NOT NULL,
  -- SHA-256 of the client's address: counts open holds per client without keeping the address.
  client_key text,
  consent_accepted_at timestamptz NOT NULL,
  privacy_policy_version text NOT NULL,
  idempotency_key text,
  -- SHA-256 of the hold request, so a reused key with another request is recognised.
  request_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz,
  ended_at timestamptz,
  CHECK (ends_at > starts_at),
  CHECK (occupied_from <= starts_at AND occupied_until >= ends_at)
);

CREATE UNIQUE INDEX bookings_idempotency_key ON bookings (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX bookings_held_expiry ON bookings (expires_at) WHERE status = 'held';
CREATE INDEX bookings_held_contact ON bookings (contact_key) WHERE status = 'held';
CREATE INDEX bookings_held_client ON bookings (client_key) WHERE status = 'held';
CREATE INDEX bookings_active_until ON bookings (occupied_until) WHERE status IN ('held', 'confirmed');

-- The core guarantee: one row per (booking, occupant) — its practitioner and every linked
-- calendar or resource (S6) — and no two active rows of one occupant overlap, whatever the
-- concurrency. A hold past its deadline is set inactive (expired) in the same transaction
-- that inserts an overlapping occupation, so an overdue hold never blocks (ADR 0020).
CREATE TABLE booking_occupancy (
  booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
  -- 'practitioner:<id>' or 'resource:<id>'
  occupant text NOT NULL,
  occupied_from timestamptz NOT NULL,
  occupied_until timestamptz NOT NULL,
  active boolean NOT NULL DEFAULT true,
  PRIMARY KEY (booking_id, occupant),
  CHECK (occupied_until > occupied_from),
  CONSTRAINT booking_occupancy_no_overlap EXCLUDE USING gist (
    occupant WITH =,
    tstzrange(occupied_from, occupied_until) WITH &&
  ) WHERE (active)
);

-- Link tokens (D2, F9): only their SHA-256 is kept, each bound to one booking and one purpose.
CREATE TABLE booking_tokens (
  token_hash text PRIMARY KEY,
  booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('confirm', 'manage')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX booking_tokens_booking ON booking_tokens (booking_id, purpose);

-- Down Migration
DROP TABLE booking_tokens;
DROP TABLE booking_occupancy;
DROP TABLE bookings;
