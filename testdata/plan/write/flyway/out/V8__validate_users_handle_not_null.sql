-- pgbelay plan, phase 5 of 7 (expand) for DIR/V1__rename_username.sql
-- validate users_handle_not_null
-- This phase cannot be rolled back: there is no undo (U) script for it.

SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = 0;

ALTER TABLE users VALIDATE CONSTRAINT users_handle_not_null;
