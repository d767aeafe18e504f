-- Up Migration
-- The built-in practice system: contacts, patient groups, calendars, resources and the practice
-- calendar, for practices without ::pixelmedics (and for the demo).
CREATE TABLE pms_contacts (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  kind text NOT NULL CHECK (kind IN ('patient', 'prospect')),
  first_name text NOT NULL,
  last_name text NOT NULL,
  birth_date date,
  gender text,
  street text,
  postcode text,
  town text,
  country text,
  phone text,
  email text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pms_contacts_birth_date ON pms_contacts (birth_date);

CREATE TABLE pms_contact_notes (
  id bigserial PRIMARY KEY,
  contact_id text NOT NULL REFERENCES pms_contacts (id),
  text text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pms_contact_groups (
  contact_id text NOT NULL REFERENCES pms_contacts (id),
  group_name text NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (contact_id, group_name)
);

CREATE TABLE pms_practitioners (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE pms_resources (
  id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('calendar', 'room', 'device'))
);
CREATE TABLE pms_practitioner_resources (
  practitioner_id text NOT NULL REFERENCES pms_practitioners (id),
  resource_id text NOT NULL REFERENCES pms_resources (id),
  PRIMARY KEY (practitioner_id, resource_id)
);
CREATE TABLE pms_appointment_types (
  id text PRIMARY KEY,
  name text NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes > 0)
);

CREATE TABLE pms_calendar_entries (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  -- 'online' entries come from OTK; 'staff' entries were made in the practice and block online slots.
  source text NOT NULL CHECK (source IN ('online', 'staff')),
  status text NOT NULL CHECK (status IN ('provisional', 'confirmed', 'cancelled')),
  label text NOT NULL,
  colour text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  practitioner_id text,
  appointment_type_id text,
  resource_ids text[] NOT NULL DEFAULT '{}',
  contact_id text REFERENCES pms_contacts (id),
  booking_id uuid,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pms_calendar_entries_time ON pms_calendar_entries (starts_at, ends_at);

-- Writes keyed by the caller's idempotency key: a repeated call returns the first result.
CREATE TABLE pms_idempotency (
  key text PRIMARY KEY,
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE pms_idempotency;
DROP TABLE pms_calendar_entries;
DROP TABLE pms_appointment_types;
DROP TABLE pms_practitioner_resources;
DROP TABLE pms_resources;
DROP TABLE pms_practitioners;
DROP TABLE pms_contact_groups;
DROP TABLE pms_contact_notes;
DROP TABLE pms_contacts;
