-- pgbelay plan, phase 5 of 7 (expand) for DIR/20240101000000_rename_username.sql
-- validate users_handle_not_null
-- This phase cannot be rolled back: its down block fails on purpose.

-- migrate:up
SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = 0;

ALTER TABLE users VALIDATE CONSTRAINT users_handle_not_null;

-- migrate:down
DO $$ BEGIN RAISE EXCEPTION 'pgbelay: the phase validate_users_handle_not_null cannot be rolled back'; END $$;
