-- Up Migration
-- How long the audit log keeps an entry is the practice's choice (ADR 80): at least one year, as
-- the Swiss data-protection ordinance (DSV art. 4) asks of access logs of health data, at most ten.
ALTER TABLE admin_policy
  ADD COLUMN audit_retention_days integer NOT NULL DEFAULT 365
    CHECK (audit_retention_days BETWEEN 365 AND 3650);

-- Down Migration
ALTER TABLE admin_policy DROP COLUMN audit_retention_days;
