-- Up Migration
-- The practice's message settings (A2, N5, N6): one row, edited by the administration console.
-- The defaults let a fresh installation start; an operator sets the real values before going live.
CREATE TABLE practice_settings (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  practice_name text NOT NULL,
  address text NOT NULL,
  phone text NOT NULL,
  sender_name text NOT NULL,
  sender_address text NOT NULL,
  site_url text NOT NULL CHECK (site_url ~ '^https?://'),
  default_language text NOT NULL CHECK (default_language IN ('de', 'fr', 'it', 'en')),
  languages text[] NOT NULL CHECK (languages <@ ARRAY['de', 'fr', 'it', 'en']),
  staff_copies boolean NOT NULL,
  staff_addresses text[] NOT NULL,
  sms_enabled boolean NOT NULL,
  sms_sender text NOT NULL,
  dkim_domain text,
  dkim_selector text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((dkim_domain IS NULL) = (dkim_selector IS NULL))
);
INSERT INTO practice_settings (
  practice_name, address, phone, sender_name, sender_address, site_url, default_language, languages,
  staff_copies, staff_addresses, sms_enabled, sms_sender
) VALUES (
  'Praxis', '', '', 'Praxis', 'no-reply@localhost', 'http://localhost:4321', 'de', ARRAY['de', 'fr', 'it', 'en'],
  false, ARRAY[]::text[], false, 'Praxis'
);

-- Down Migration
DROP TABLE practice_settings;
