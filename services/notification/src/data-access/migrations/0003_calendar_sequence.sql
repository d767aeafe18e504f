-- Up Migration
-- The SEQUENCE each calendar file of a booking carries (RFC 5545): one per event, rising with each
-- change, the same again for a redelivered event.
CREATE TABLE calendar_sequence (
  booking_id uuid NOT NULL,
  event_id uuid NOT NULL UNIQUE,
  sequence integer NOT NULL CHECK (sequence >= 0),
  PRIMARY KEY (booking_id, sequence)
);

-- Down Migration
DROP TABLE calendar_sequence;
