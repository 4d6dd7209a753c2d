-- NOT NULL through a validated CHECK constraint: PostgreSQL 12+ skips the
-- scan under ACCESS EXCLUSIVE, PostgreSQL 11 still scans.
ALTER TABLE accounts ADD CONSTRAINT accounts_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_not_null;
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
ALTER TABLE accounts DROP CONSTRAINT accounts_email_not_null;
-- without the constraint it scans on every version
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
