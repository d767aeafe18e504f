-- Up Migration
-- The practice's booking rules (one database per practice, so one row). The administration
-- console edits them; hold-manager reads them on every request, so a change applies at once.
CREATE TABLE settings (
  id text PRIMARY KEY DEFAULT 'practice' CHECK (id = 'practice'),
  -- A1: how long a provisional request holds its slot.
  confirmation_window_seconds integer NOT NULL DEFAULT 900 CHECK (confirmation_window_seconds BETWEEN 1 AND 86400),
  -- A3: until how long before the start the patient may change or cancel online.
  cancellation_deadline_seconds integer NOT NULL DEFAULT 86400 CHECK (cancellation_deadline_seconds >= 0),
  -- D4: open provisional requests allowed per e-mail address or phone number, and per client address.
  max_open_holds_per_contact integer NOT NULL DEFAULT 3 CHECK (max_open_holds_per_contact >= 1),
  max_open_holds_per_client integer NOT NULL DEFAULT 20 CHECK (max_open_holds_per_client >= 1),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO settings DEFAULT VALUES;

-- Down Migration
DROP TABLE settings;
