-- pgbelay plan, phase 2 of 7 (backfill) for DIR/V1__rename_username.sql
-- copy username into handle in batches
-- runs outside a transaction block

SET lock_timeout = '3s';

SET statement_timeout = '30s';

DROP PROCEDURE IF EXISTS pgbelay_backfill_handle_users(integer, interval);
