-- pgbelay plan, phase 5 of 7 (expand) for DIR/20240101000000_rename_username.up.sql
-- validate users_handle_not_null

SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = 0;

ALTER TABLE users VALIDATE CONSTRAINT users_handle_not_null;
