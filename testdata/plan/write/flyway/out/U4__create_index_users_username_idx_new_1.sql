-- pgbelay plan, phase 3 of 7 (expand) for DIR/V1__rename_username.sql
-- build index public.users_username_idx_new without blocking writes
-- runs outside a transaction block
-- Step 1 of 3 of create_index_users_username_idx_new. Flyway refuses a
-- migration that mixes statements it must run outside a transaction with
-- others, so each statement has a migration of its own.

DROP INDEX CONCURRENTLY IF EXISTS public.users_username_idx_new;
