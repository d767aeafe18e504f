-- Up Migration
-- Practice staff who sign in to the administration console. The e-mail is kept lower-cased; the
-- password only as an Argon2id hash (PHC string); the TOTP secret only once its first code was checked.
CREATE TABLE staff_accounts (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  role text NOT NULL CHECK (role IN ('admin', 'staff')),
  password_hash text NOT NULL,
  totp_secret text,
  -- A secret handed out for enrolment, not yet confirmed with a code.
  totp_pending_secret text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A signed-in browser. Only the SHA-256 of the cookie's value is kept, so a copy of the table signs
-- nobody in. The CSRF token follows from the cookie's value and is not stored.
CREATE TABLE staff_sessions (
  id_hash bytea PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES staff_accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_sessions_account ON staff_sessions (account_id);

-- Sign-in attempts of the last minutes, for the brute-force limits per account and per client
-- address. A row is written as a failure before the password is checked and cleared when it was
-- right, so parallel guesses cannot slip past the count.
CREATE TABLE sign_in_attempts (
  id bigserial PRIMARY KEY,
  -- SHA-256 of the lower-cased e-mail as typed (known account or not) and of the client address.
  account_key bytea NOT NULL,
  client_key bytea NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_attempts_account ON sign_in_attempts (account_key, attempted_at);
CREATE INDEX sign_in_attempts_client ON sign_in_attempts (client_key, attempted_at);

-- The console's own security policy (one database per practice, so one row).
CREATE TABLE admin_policy (
  id text PRIMARY KEY DEFAULT 'practice' CHECK (id = 'practice'),
  -- When true, an admin signs in only with a TOTP code and must enrol one first.
  totp_required_for_admin boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO admin_policy DEFAULT VALUES;

-- Every staff action and every staff read of a patient's data: who, when, what, from where.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  account_id uuid,
  account_email text,
  action text NOT NULL,
  target text,
  details jsonb NOT NULL DEFAULT '{}',
  client_address text
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);

-- Down Migration
DROP TABLE audit_log;
DROP TABLE admin_policy;
DROP TABLE sign_in_attempts;
DROP TABLE staff_sessions;
DROP TABLE staff_accounts;
