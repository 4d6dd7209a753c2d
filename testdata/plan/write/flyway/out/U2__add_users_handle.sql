-- pgbelay plan, phase 1 of 7 (expand) for DIR/V1__rename_username.sql
-- add handle next to username and keep them in sync

SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

DROP TRIGGER IF EXISTS users_username_handle_sync ON users;

DROP FUNCTION IF EXISTS users_username_handle_sync();

ALTER TABLE users DROP COLUMN IF EXISTS handle;
