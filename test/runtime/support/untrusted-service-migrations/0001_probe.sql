-- Up Migration
-- The schema of the test service of untrusted-error.spec.ts: nothing of its own.
CREATE TABLE probe (id integer PRIMARY KEY);

-- Down Migration
DROP TABLE probe;
