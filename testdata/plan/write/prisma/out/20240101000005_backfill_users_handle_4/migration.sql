-- pgbelay plan, phase 2 of 7 (backfill) for DIR/20240101000000_rename_username/migration.sql
-- copy username into handle in batches
-- runs outside a transaction block
-- Step 4 of 5 of backfill_users_handle. Prisma sends each migration as one
-- query string, which PostgreSQL runs as one transaction when it holds several
-- statements, so each statement that must run outside a transaction block has a
-- migration of its own.
-- To roll back this step, run by hand:
--   SET statement_timeout = '30s';

CALL pgbelay_backfill_handle_users();
