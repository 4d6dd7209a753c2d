-- Revert flipr:users from pg

BEGIN;

SET LOCAL lock_timeout = '5s';
ALTER TABLE flipr.users DROP COLUMN active;

COMMIT;
