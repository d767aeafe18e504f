-- Up Migration
-- The practice's postal address, part of the profile availability owns and publishes
-- (practice.profileChanged) for the messages notification sends.
ALTER TABLE practice ADD COLUMN address text NOT NULL DEFAULT '';

-- Down Migration
ALTER TABLE practice DROP COLUMN address;
