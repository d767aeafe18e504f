-- Up Migration
-- Messages of the waiting list (ADR 26): the link to confirm a place, "you are on the list", and a
-- freed slot offered. Their booking_id is the waiting-list entry's id: the subject of the message.
ALTER TABLE message_log DROP CONSTRAINT message_log_kind_check;
ALTER TABLE message_log ADD CONSTRAINT message_log_kind_check CHECK (kind IN (
  'provisional-request', 'confirmation', 'change', 'cancellation', 'expiry', 'reminder',
  'waitlist-confirm-request', 'waitlist-on-list', 'waitlist-offer'
));

-- Down Migration
DELETE FROM message_log WHERE kind LIKE 'waitlist-%';
ALTER TABLE message_log DROP CONSTRAINT message_log_kind_check;
ALTER TABLE message_log ADD CONSTRAINT message_log_kind_check CHECK (kind IN (
  'provisional-request', 'confirmation', 'change', 'cancellation', 'expiry', 'reminder'
));
