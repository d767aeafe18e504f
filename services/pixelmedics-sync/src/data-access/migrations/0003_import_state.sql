-- Up Migration
-- The fingerprint of the last import, so an unchanged practice calendar publishes nothing.
CREATE TABLE import_state (
  id text PRIMARY KEY DEFAULT 'practice' CHECK (id = 'practice'),
  fingerprint text NOT NULL,
  imported_at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE import_state;
