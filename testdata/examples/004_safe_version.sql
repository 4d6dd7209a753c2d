-- 004: what 002 and 003 should have been, without long locks.
-- Run it outside a transaction block: CREATE INDEX CONCURRENTLY needs that.
SET lock_timeout = '5s';

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (lower(email));

-- Index the referencing column first: every DELETE from accounts looks it up.
CREATE INDEX CONCURRENTLY IF NOT EXISTS invoices_account_id_idx ON invoices (account_id);

-- NOT VALID takes the lock only briefly; VALIDATE scans without blocking writes.
ALTER TABLE invoices
    ADD CONSTRAINT invoices_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
ALTER TABLE invoices VALIDATE CONSTRAINT invoices_account_id_fkey;

-- PostgreSQL 12+ uses the validated CHECK constraint and skips the scan.
ALTER TABLE users ADD CONSTRAINT users_plan_not_null CHECK (plan IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_plan_not_null;
ALTER TABLE users ALTER COLUMN plan SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_plan_not_null;
