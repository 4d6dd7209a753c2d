-- pgbelay plan, phase 7 of 7 (contract) for DIR/0001_rename_username.sql
-- drop username and the sync trigger
-- run only after: deploy the application version that reads handle (switch reads), then the one that no longer writes username; wait until no running code or ORM schema cache uses username
-- This phase cannot be rolled back.

BEGIN;

SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

DROP TRIGGER IF EXISTS users_username_handle_sync ON users;

DROP FUNCTION IF EXISTS users_username_handle_sync();

-- pgbelay-ignore drop-column: contract phase, run only after the deploy gate, when no release uses the column
ALTER TABLE users DROP COLUMN username;

ALTER INDEX public.users_username_idx_new RENAME TO users_username_idx;

COMMIT;
