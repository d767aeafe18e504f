-- Up Migration
-- The waiting list (ADR 26). A patient joins for an appointment type, optionally a practitioner,
-- and a range of the practice's days; after the double opt-in the entry waits, in order of
-- joining, for a freed matching slot.
CREATE TABLE waitlist_entries (
  id uuid PRIMARY KEY,
  -- pending: not yet confirmed through its link; waiting: on the list; booked: took an offer;
  -- left: the patient left by link; removed: staff took it off; expired: its range or its
  -- confirmation window ran out.
  status text NOT NULL CHECK (status IN ('pending', 'waiting', 'booked', 'left', 'removed', 'expired')),
  appointment_type_id text NOT NULL,
  appointment_type_name jsonb NOT NULL,
  -- NULL: whoever offers the type.
  practitioner_id text,
  practitioner_name text,
  visit_kind text CHECK (visit_kind IN ('first', 'followup')),
  first_day date NOT NULL,
  last_day date NOT NULL,
  time_zone text NOT NULL,
  -- The end of last_day in the practice's zone: the entry expires then.
  ends_at timestamptz NOT NULL,
  -- A pending entry lapses unconfirmed at this moment (the practice's confirmation window).
  confirm_by timestamptz NOT NULL,
  language text NOT NULL CHECK (language IN ('de', 'fr', 'it', 'en')),
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  patient jsonb NOT NULL,
  -- Lower-cased e-mail or phone of the chosen channel, and the SHA-256 of the client's address:
  -- the limits per contact and per address.
  contact_key text NOT NULL,
  client_key text,
  consent_accepted_at timestamptz NOT NULL,
  privacy_policy_version text NOT NULL,
  -- The order of joining.
  joined_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  ended_at timestamptz,
  booking_id uuid,
  CHECK (last_day >= first_day)
);
CREATE INDEX waitlist_entries_waiting ON waitlist_entries (appointment_type_id, joined_at) WHERE status = 'waiting';
CREATE INDEX waitlist_entries_open_contact ON waitlist_entries (contact_key) WHERE status IN ('pending', 'waiting');
CREATE INDEX waitlist_entries_open_client ON waitlist_entries (client_key) WHERE status IN ('pending', 'waiting');
CREATE INDEX waitlist_entries_ended ON waitlist_entries (ended_at) WHERE ended_at IS NOT NULL;

-- One row per freed slot offered to one entry; an entry is never offered the same start with the
-- same practitioner twice, so a redelivered release offers nothing again.
CREATE TABLE waitlist_offers (
  id uuid PRIMARY KEY,
  entry_id uuid NOT NULL REFERENCES waitlist_entries (id) ON DELETE CASCADE,
  appointment_type_id text NOT NULL,
  appointment_type_name jsonb NOT NULL,
  practitioner_id text NOT NULL,
  practitioner_name text NOT NULL,
  time_zone text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  -- open: may be taken; accepted: taken through this offer; gone: someone else was first.
  status text NOT NULL CHECK (status IN ('open', 'accepted', 'gone')),
  booking_id uuid,
  created_at timestamptz NOT NULL,
  UNIQUE (entry_id, practitioner_id, starts_at)
);

-- Link tokens of the waiting list: only their SHA-256, bound to one entry (and an offer) and one purpose.
CREATE TABLE waitlist_tokens (
  token_hash text PRIMARY KEY,
  entry_id uuid NOT NULL REFERENCES waitlist_entries (id) ON DELETE CASCADE,
  offer_id uuid REFERENCES waitlist_offers (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('confirm', 'leave', 'offer')),
  expires_at timestamptz NOT NULL,
  CHECK ((purpose = 'offer') = (offer_id IS NOT NULL))
);
CREATE INDEX waitlist_tokens_entry ON waitlist_tokens (entry_id);

-- Down Migration
DROP TABLE waitlist_tokens;
DROP TABLE waitlist_offers;
DROP TABLE waitlist_entries;
