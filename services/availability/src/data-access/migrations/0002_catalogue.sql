-- Up Migration
-- The practice catalogue (F1–F5, S6): a read model that availability owns. Seeded for the demo
-- practice; later also imported from the practice system by pixelmedics-sync. Every id is a
-- stable, readable string ('dr-muster', 'checkup') so that logs, links and tests can name it.
-- Wall-clock times (working hours, absences) are local times in practice.time_zone; instants
-- are timestamptz.

ALTER TABLE practice
  -- Holidays come from a maintained library (date-holidays) for this country and region (canton).
  ADD COLUMN holiday_country text NOT NULL DEFAULT 'CH' CHECK (holiday_country ~ '^[A-Z]{2}$'),
  ADD COLUMN holiday_region text DEFAULT 'ZH',
  -- Slots start on this grid of local wall-clock time (minutes since local midnight).
  ADD COLUMN slot_granularity_minutes integer NOT NULL DEFAULT 15
    CHECK (slot_granularity_minutes BETWEEN 5 AND 240 AND 1440 % slot_granularity_minutes = 0),
  -- No slot starts sooner than this after now.
  ADD COLUMN minimum_notice_minutes integer NOT NULL DEFAULT 120 CHECK (minimum_notice_minutes >= 0),
  -- Slots are offered up to the end of the local day this many days after today.
  ADD COLUMN booking_horizon_days integer NOT NULL DEFAULT 90 CHECK (booking_horizon_days BETWEEN 1 AND 730),
  -- Optional steps of the booking flow: F1 (visit kind) and F2 (appointment group).
  ADD COLUMN ask_visit_kind boolean NOT NULL DEFAULT true,
  ADD COLUMN ask_appointment_group boolean NOT NULL DEFAULT true,
  ADD COLUMN sms_offered boolean NOT NULL DEFAULT false,
  ADD COLUMN privacy_policy_url text,
  ADD COLUMN privacy_policy_version text,
  ADD CONSTRAINT practice_languages_known CHECK (languages <@ ARRAY['de', 'fr', 'it', 'en'] AND cardinality(languages) > 0);

CREATE TABLE practitioners (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  display_name text NOT NULL CHECK (display_name <> ''),
  sort_order integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true
);

-- F2: groups of appointment types. Names per language: {"de": …, "fr"?: …, "it"?: …, "en"?: …}.
CREATE TABLE appointment_groups (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  name jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object' AND name ? 'de'),
  sort_order integer NOT NULL DEFAULT 0
);

-- F3: what a patient can book. A slot is `duration` long; it blocks its practitioner and the
-- practitioner's resources from `buffer_before` before it until `buffer_after` after it.
CREATE TABLE appointment_types (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  name jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object' AND name ? 'de'),
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 720),
  buffer_before_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_before_minutes BETWEEN 0 AND 240),
  buffer_after_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 240),
  -- F1: for which visit kinds the type is offered.
  visit_kinds text[] NOT NULL DEFAULT ARRAY['first', 'followup']
    CHECK (cardinality(visit_kinds) > 0 AND visit_kinds <@ ARRAY['first', 'followup']),
  group_id text REFERENCES appointment_groups (id) ON DELETE SET NULL,
  online_bookable boolean NOT NULL DEFAULT true,
  sort_order integer NOT NULL DEFAULT 0
);

-- Who offers which type (F3/F4).
CREATE TABLE appointment_type_practitioners (
  appointment_type_id text NOT NULL REFERENCES appointment_types (id) ON DELETE CASCADE,
  practitioner_id text NOT NULL REFERENCES practitioners (id) ON DELETE CASCADE,
  PRIMARY KEY (appointment_type_id, practitioner_id)
);

-- S6: calendars and resources (rooms, devices). A practitioner linked to one occupies it with
-- every booking, so two practitioners who share a room never get overlapping appointments.
CREATE TABLE resources (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  name text NOT NULL CHECK (name <> ''),
  kind text NOT NULL CHECK (kind IN ('room', 'device', 'calendar'))
);

CREATE TABLE practitioner_resources (
  practitioner_id text NOT NULL REFERENCES practitioners (id) ON DELETE CASCADE,
  resource_id text NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
  PRIMARY KEY (practitioner_id, resource_id)
);
CREATE INDEX practitioner_resources_resource ON practitioner_resources (resource_id);

-- Weekly working hours in local wall-clock time, several intervals per day. weekday: ISO,
-- 1 = Monday … 7 = Sunday. ends_at 24:00 means midnight at the end of the day.
CREATE TABLE working_hours (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  practitioner_id text NOT NULL REFERENCES practitioners (id) ON DELETE CASCADE,
  weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  starts_at time NOT NULL,
  ends_at time NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX working_hours_practitioner ON working_hours (practitioner_id, weekday);

-- Absences of a practitioner, or closures of the whole practice (practitioner_id NULL), as local
-- wall-clock date-times: whole days run from 00:00 of the first day to 00:00 after the last one,
-- part days name their hours. No appointment may overlap one.
CREATE TABLE absences (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  practitioner_id text REFERENCES practitioners (id) ON DELETE CASCADE,
  starts_at timestamp NOT NULL,
  ends_at timestamp NOT NULL,
  reason text,
  CHECK (ends_at > starts_at)
);
CREATE INDEX absences_practitioner ON absences (practitioner_id, ends_at);

-- Down Migration
DROP TABLE absences;
DROP TABLE working_hours;
DROP TABLE practitioner_resources;
DROP TABLE resources;
DROP TABLE appointment_type_practitioners;
DROP TABLE appointment_types;
DROP TABLE appointment_groups;
DROP TABLE practitioners;
ALTER TABLE practice
  DROP CONSTRAINT practice_languages_known,
  DROP COLUMN privacy_policy_version,
  DROP COLUMN privacy_policy_url,
  DROP COLUMN sms_offered,
  DROP COLUMN ask_appointment_group,
  DROP COLUMN ask_visit_kind,
  DROP COLUMN booking_horizon_days,
  DROP COLUMN minimum_notice_minutes,
  DROP COLUMN slot_granularity_minutes,
  DROP COLUMN holiday_region,
  DROP COLUMN holiday_country;
