-- pgbelay plan, phase 4 of 7 (expand) for DIR/20240101000000_rename_username.sql
-- add CHECK (handle IS NOT NULL) NOT VALID

-- migrate:up
SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

ALTER TABLE users ADD CONSTRAINT users_handle_not_null CHECK (handle IS NOT NULL) NOT VALID;

-- migrate:down
SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

ALTER TABLE users DROP CONSTRAINT IF EXISTS users_handle_not_null;
