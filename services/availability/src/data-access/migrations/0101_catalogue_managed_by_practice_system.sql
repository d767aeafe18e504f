-- Up Migration
-- Set when the first catalogue import of the practice system arrives (ADR 83): from then on it
-- keeps the practitioners, resources and appointment types, and the console shows them read-only.
-- The time of the import applied last, so that an older one arriving late changes nothing.
ALTER TABLE practice
  ADD COLUMN catalogue_managed_by_practice_system boolean NOT NULL DEFAULT false,
  ADD COLUMN catalogue_imported_at timestamptz;

-- Down Migration
ALTER TABLE practice DROP COLUMN catalogue_managed_by_practice_system, DROP COLUMN catalogue_imported_at;
