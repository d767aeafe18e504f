-- Up Migration
-- What the booking site shows of the practice besides its name: the number patients call after
-- the cancellation deadline (F9, A3), and its logo and main colour.
ALTER TABLE practice
  ADD COLUMN phone text,
  ADD COLUMN logo_url text,
  ADD COLUMN brand_colour text CHECK (brand_colour ~ '^#[0-9A-Fa-f]{6}$');

-- Down Migration
ALTER TABLE practice DROP COLUMN phone, DROP COLUMN logo_url, DROP COLUMN brand_colour;
