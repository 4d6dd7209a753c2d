-- pgbelay plan, phase 5 of 7 (expand) for DIR/1_rename_username.sql
-- validate users_handle_not_null
-- This phase cannot be rolled back: its down part fails on purpose.

-- +migrate Up
SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = 0;

ALTER TABLE users VALIDATE CONSTRAINT users_handle_not_null;

-- +migrate Down
-- +migrate StatementBegin
DO $$ BEGIN RAISE EXCEPTION 'pgbelay: the phase validate_users_handle_not_null cannot be rolled back'; END $$;
-- +migrate StatementEnd
