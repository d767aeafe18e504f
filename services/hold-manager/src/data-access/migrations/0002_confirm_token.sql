-- Up Migration
-- Only the hash of a confirmation token is kept; the token itself reaches the patient alone.
ALTER TABLE bookings ADD COLUMN confirm_token_hash text;
CREATE UNIQUE INDEX bookings_confirm_token_hash ON bookings (confirm_token_hash);

-- Down Migration
ALTER TABLE bookings DROP COLUMN confirm_token_hash;
