-- pgbelay plan, phase 4 of 7 (expand) for DIR/000001_rename_username.up.sql
-- add CHECK (handle IS NOT NULL) NOT VALID

BEGIN;

SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

ALTER TABLE users DROP CONSTRAINT IF EXISTS users_handle_not_null;

COMMIT;
