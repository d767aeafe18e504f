-- Up Migration
-- One row per message we owe: (event, recipient, kind) makes a redelivered event harmless.
CREATE TABLE message_log (
  event_id uuid NOT NULL,
  recipient text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('provisional-request', 'confirmation', 'change', 'cancellation', 'expiry')),
  audience text NOT NULL CHECK (audience IN ('patient', 'staff')),
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  booking_id uuid NOT NULL,
  -- sending: claimed by a worker since claimed_at; sent: done; failed: a temporary error, to be
  -- retried; rejected: refused for good (e.g. an invalid address), never tried again.
  status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'rejected')),
  attempts integer NOT NULL DEFAULT 1,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  provider_message_id text,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (event_id, recipient, kind)
);
CREATE INDEX message_log_booking ON message_log (booking_id);

-- Down Migration
DROP TABLE message_log;
