-- Up Migration
-- Whether the public holidays of the practice's canton close it (the console's "cantonal holidays
-- on/off"); a practice that opens on them turns this off.
ALTER TABLE practice ADD COLUMN closed_on_holidays boolean NOT NULL DEFAULT true;

-- Down Migration
ALTER TABLE practice DROP COLUMN closed_on_holidays;
