-- pgbelay plan, phase 5 of 7 (expand) for DIR/0001_rename_username.sql
-- validate users_handle_not_null
-- This phase cannot be rolled back.

BEGIN;

SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = 0;

ALTER TABLE users VALIDATE CONSTRAINT users_handle_not_null;

COMMIT;
