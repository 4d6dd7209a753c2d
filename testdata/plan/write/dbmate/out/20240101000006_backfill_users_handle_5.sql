-- pgbelay plan, phase 2 of 7 (backfill) for DIR/20240101000000_rename_username.sql
-- copy username into handle in batches
-- runs outside a transaction block
-- Step 5 of 5 of backfill_users_handle. dbmate sends each migration as one
-- query string, which PostgreSQL runs as one transaction when it holds several
-- statements, so each statement that must run outside a transaction block has a
-- migration of its own.

-- migrate:up transaction:false
DROP PROCEDURE pgbelay_backfill_handle_users(integer, interval);

-- migrate:down transaction:false
SET lock_timeout = '3s';
