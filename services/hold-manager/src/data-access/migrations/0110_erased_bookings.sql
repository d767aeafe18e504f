-- Up Migration
-- Bookings erased at the patient's request (ADR 73): only the ids, so that asking again names the
-- same bookings (and the other services can be asked again), never what the patient entered.
-- Pruned with the bookings' own retention period (ADR 71).
CREATE TABLE erased_bookings (
  booking_id uuid PRIMARY KEY,
  -- The bookings erased together, as one patient's.
  erasure_id uuid NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX erased_bookings_erasure ON erased_bookings (erasure_id);

-- Down Migration
DROP TABLE erased_bookings;
