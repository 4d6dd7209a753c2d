-- Deploy flipr:users to pg
-- requires: users@v1.0

BEGIN;

SET LOCAL lock_timeout = '5s';
ALTER TABLE flipr.users ADD COLUMN active boolean;

COMMIT;
