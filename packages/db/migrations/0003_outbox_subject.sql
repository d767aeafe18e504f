-- Up Migration
-- What an event is about (e.g. the booking's id), kept when the relay drops the event's data on
-- publication, so that an investigation can still find the events of one booking.
ALTER TABLE outbox ADD COLUMN subject_id text;
CREATE INDEX outbox_subject_idx ON outbox (subject_id) WHERE subject_id IS NOT NULL;

-- Down Migration
DROP INDEX outbox_subject_idx;
ALTER TABLE outbox DROP COLUMN subject_id;
