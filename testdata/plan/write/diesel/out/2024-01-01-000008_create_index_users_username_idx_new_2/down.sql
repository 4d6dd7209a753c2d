-- pgbelay plan, phase 3 of 7 (expand) for DIR/2024-01-01-000000_rename_username/up.sql
-- build index public.users_username_idx_new without blocking writes
-- runs outside a transaction block
-- Step 2 of 3 of create_index_users_username_idx_new. diesel sends each
-- migration as one query string, which PostgreSQL runs as one transaction when
-- it holds several statements, so each statement that must run outside a
-- transaction block has a migration of its own.

SET statement_timeout = '30s';
