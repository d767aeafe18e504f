-- Up Migration
-- One row per message we owe: the key makes a redelivered event harmless.
CREATE TABLE message_log (
  event_id uuid NOT NULL,
  recipient text NOT NULL,
  kind text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 1,
  provider_message_id text,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (event_id, recipient, kind)
);

-- Down Migration
DROP TABLE message_log;
