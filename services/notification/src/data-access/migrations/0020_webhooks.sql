-- Up Migration
-- Endpoints a practice registers for booking events (ADR 34). The secrets must be readable to
-- sign with; they live in the practice's database like the bookings they announce.
CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY,
  url text NOT NULL,
  description text NOT NULL DEFAULT '',
  event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
  -- none: ids and times only; contact: plus the patient's name, e-mail and phone; full: plus the
  -- rest the patient entered (birth date, gender, address).
  personal_data text NOT NULL CHECK (personal_data IN ('none', 'contact', 'full')),
  secret text NOT NULL,
  -- During a rotation the old secret signs too, until it is retired or the grace period ends.
  previous_secret text,
  previous_secret_until timestamptz,
  enabled boolean NOT NULL DEFAULT true,
  disabled_reason text CHECK (disabled_reason IN ('operator', 'failing')),
  disabled_at timestamptz,
  -- Failed attempts in a row and when the first of them failed; a success resets both.
  consecutive_failures integer NOT NULL DEFAULT 0,
  failing_since timestamptz,
  -- Set when the service disabled the endpoint; cleared once the practice's staff were told.
  disabled_notice_pending boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((previous_secret IS NULL) = (previous_secret_until IS NULL))
);

-- One row per (endpoint, event): the delivery log and the work queue of the webhook sender.
CREATE TABLE webhook_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  booking_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  -- pending: to be sent at next_attempt_at; delivered: the endpoint answered 2xx; failed: given up.
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_attempt_at timestamptz,
  last_http_status integer,
  -- A short code ("timeout", "http 503", "network"), never the endpoint's response body.
  last_error text,
  -- The signed body; may hold personal data, so it is cleared once the delivery is finished.
  payload text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (endpoint_id, event_id),
  CHECK ((status = 'pending') = (payload IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_booking ON webhook_deliveries (endpoint_id, booking_id, occurred_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE status <> 'pending';

-- Down Migration
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
