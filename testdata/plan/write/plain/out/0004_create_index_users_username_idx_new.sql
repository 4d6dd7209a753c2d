-- pgbelay plan, phase 3 of 7 (expand) for DIR/0001_rename_username.sql
-- build index public.users_username_idx_new without blocking writes
-- runs outside a transaction block
-- To roll back this phase, run by hand:
--   SET lock_timeout = '3s';
--   SET statement_timeout = '30s';
--   DROP INDEX CONCURRENTLY IF EXISTS public.users_username_idx_new;

SET lock_timeout = '3s';

SET statement_timeout = 0;

CREATE INDEX CONCURRENTLY IF NOT EXISTS users_username_idx_new ON public.users (handle);
