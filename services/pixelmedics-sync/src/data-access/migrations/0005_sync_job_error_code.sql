-- Up Migration
-- Why a job failed, as a stable code the console shows staff (the booking's sync state); the
-- practice system's own words stay in last_error, for admins only.
ALTER TABLE sync_jobs
  ADD COLUMN last_error_code text
    CHECK (last_error_code IN ('PRACTICE_SYSTEM_REFUSED', 'PRACTICE_SYSTEM_UNAVAILABLE', 'EVENT_UNREADABLE'));
UPDATE sync_jobs SET last_error_code = CASE WHEN status = 'failed' THEN 'PRACTICE_SYSTEM_REFUSED'
                                            ELSE 'PRACTICE_SYSTEM_UNAVAILABLE' END
 WHERE last_error IS NOT NULL;

-- Down Migration
ALTER TABLE sync_jobs DROP COLUMN last_error_code;
