-- Up Migration
-- The practice this deployment serves (one database per practice, so one row).
CREATE TABLE practice (
  id text PRIMARY KEY DEFAULT 'practice' CHECK (id = 'practice'),
  name text NOT NULL,
  time_zone text NOT NULL DEFAULT 'Europe/Zurich',
  default_language text NOT NULL DEFAULT 'de' CHECK (default_language IN ('de', 'fr', 'it', 'en')),
  languages text[] NOT NULL DEFAULT ARRAY['de', 'fr', 'it', 'en'],
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE practice;
