-- Up Migration
-- The busy index: what blocks slots besides working hours and absences. One row per booking
-- (source 'booking', kept from booking events and rebuilt from hold-manager) or per busy entry
-- of the practice calendar (source 'practice-system', imported later by pixelmedics-sync). A row
-- is never deleted when its booking ends: its final status stays as a tombstone, so that a late,
-- older event cannot bring a cancelled booking back.
CREATE TABLE busy_times (
  source text NOT NULL CHECK (source IN ('booking', 'practice-system')),
  source_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('held', 'confirmed', 'expired', 'withdrawn', 'cancelled', 'busy', 'removed')),
  occupied_from timestamptz NOT NULL,
  occupied_until timestamptz NOT NULL,
  -- [{"kind": "practitioner" | "resource", "id": …}]: every calendar the entry blocks (S6).
  occupants jsonb NOT NULL CHECK (jsonb_typeof(occupants) = 'array'),
  -- A held booking stops blocking at this instant, even before its expiry event arrives (D3).
  expires_at timestamptz,
  -- When the state this row holds came about (the event's occurredAt); older news is ignored.
  version timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, source_id),
  CHECK (occupied_until > occupied_from)
);
CREATE INDEX busy_times_blocking ON busy_times (occupied_until) WHERE status IN ('held', 'confirmed', 'busy');

-- Down Migration
DROP TABLE busy_times;
