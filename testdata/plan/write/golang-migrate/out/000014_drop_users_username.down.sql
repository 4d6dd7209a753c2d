-- pgbelay plan, phase 7 of 7 (contract) for DIR/000001_rename_username.up.sql
-- drop username and the sync trigger
-- run only after: deploy the application version that reads handle (switch reads), then the one that no longer writes username; wait until no running code or ORM schema cache uses username
-- This phase cannot be rolled back: this down migration fails on purpose.

DO $$ BEGIN RAISE EXCEPTION 'pgbelay: the phase drop_users_username cannot be rolled back'; END $$;
