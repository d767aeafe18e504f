-- Up Migration
-- Appointment reminders (ADR 35): the practice's offsets and channels, one row per reminder owed,
-- the latest booking event applied per booking, and the patients' opt-outs (ADR 36).
ALTER TABLE practice_settings
  ADD COLUMN reminders jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(reminders) = 'array');

ALTER TABLE message_log DROP CONSTRAINT message_log_kind_check;
ALTER TABLE message_log ADD CONSTRAINT message_log_kind_check
  CHECK (kind IN ('provisional-request', 'confirmation', 'change', 'cancellation', 'expiry', 'reminder'));

-- The newest confirmation, change or cancellation applied to a booking's reminders: an older or
-- redelivered event changes nothing, and a cancelled booking is never scheduled again.
CREATE TABLE reminder_bookings (
  booking_id uuid PRIMARY KEY,
  last_event_at timestamptz NOT NULL,
  starts_at timestamptz NOT NULL,
  cancelled boolean NOT NULL DEFAULT false
);

-- The work queue of the reminder sender, polled with FOR UPDATE SKIP LOCKED.
CREATE TABLE reminders (
  id uuid PRIMARY KEY,
  booking_id uuid NOT NULL,
  hours_before integer NOT NULL CHECK (hours_before > 0),
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  starts_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  -- The booking as the scheduling event described it (patient, names, times); cleared once finished.
  booking jsonb,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'skipped')),
  -- Why a finished reminder was skipped (a closed set, e.g. appointment-began, opted-out).
  outcome text,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  CHECK ((status = 'pending') = (booking IS NOT NULL))
);
CREATE INDEX reminders_due ON reminders (next_attempt_at) WHERE status = 'pending';
CREATE INDEX reminders_booking ON reminders (booking_id);

-- Contacts (SHA-256 of the normalised e-mail address or phone number) that want no reminders.
CREATE TABLE reminder_opt_outs (
  contact_hash text PRIMARY KEY,
  opted_out_at timestamptz NOT NULL
);

-- The opt-out links sent in reminders: only the token's hash, and the contacts it speaks for.
CREATE TABLE reminder_opt_out_links (
  token_hash text PRIMARY KEY,
  contact_hashes text[] NOT NULL,
  expires_at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE reminder_opt_out_links;
DROP TABLE reminder_opt_outs;
DROP TABLE reminders;
DROP TABLE reminder_bookings;
DELETE FROM message_log WHERE kind = 'reminder';
ALTER TABLE message_log DROP CONSTRAINT message_log_kind_check;
ALTER TABLE message_log ADD CONSTRAINT message_log_kind_check
  CHECK (kind IN ('provisional-request', 'confirmation', 'change', 'cancellation', 'expiry'));
ALTER TABLE practice_settings DROP COLUMN reminders;
