-- pgbelay plan, phase 6 of 7 (expand) for DIR/000001_rename_username.up.sql
-- SET NOT NULL on handle using the validated check

BEGIN;

SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

ALTER TABLE users ALTER COLUMN handle SET NOT NULL;

ALTER TABLE users DROP CONSTRAINT users_handle_not_null;

COMMIT;
