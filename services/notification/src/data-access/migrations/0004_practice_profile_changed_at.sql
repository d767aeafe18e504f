-- Up Migration
-- The practice profile is availability's (practice.profileChanged); this copy remembers the time of
-- the change it holds, so an older event that arrives late never overwrites a newer one.
ALTER TABLE practice_settings ADD COLUMN profile_changed_at timestamptz;

-- Down Migration
ALTER TABLE practice_settings DROP COLUMN profile_changed_at;
