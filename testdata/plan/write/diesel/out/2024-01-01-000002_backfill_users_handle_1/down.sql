-- pgbelay plan, phase 2 of 7 (backfill) for DIR/2024-01-01-000000_rename_username/up.sql
-- copy username into handle in batches
-- runs outside a transaction block
-- Step 1 of 5 of backfill_users_handle. diesel sends each migration as one
-- query string, which PostgreSQL runs as one transaction when it holds several
-- statements, so each statement that must run outside a transaction block has a
-- migration of its own.

-- Nothing to undo in this step: the other steps of the phase undo it.
