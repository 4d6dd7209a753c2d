--liquibase formatted sql
-- pgbelay plan, phase 3 of 7 (expand) for DIR/changelog.sql
-- build index public.users_username_idx_new without blocking writes
-- runs outside a transaction block
-- The master changelog must include this file (include or includeAll): Liquibase
-- runs only the changelogs it includes.

--changeset pgbelay:20231114221322_create_index_users_username_idx_new runInTransaction:false
SET lock_timeout = '3s';

SET statement_timeout = 0;

CREATE INDEX CONCURRENTLY IF NOT EXISTS users_username_idx_new ON public.users (handle);
--rollback SET lock_timeout = '3s';
--rollback SET statement_timeout = '30s';
--rollback DROP INDEX CONCURRENTLY IF EXISTS public.users_username_idx_new;
