-- pgbelay plan, phase 5 of 7 (expand) for DIR/20240101000000_rename_username.up.sql
-- validate users_handle_not_null
-- This phase cannot be rolled back: this down migration fails on purpose.

DO $$ BEGIN RAISE EXCEPTION 'pgbelay: the phase validate_users_handle_not_null cannot be rolled back'; END $$;
