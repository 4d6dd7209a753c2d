--liquibase formatted sql
-- pgbelay plan, phase 5 of 7 (expand) for DIR/changelog.sql
-- validate users_handle_not_null
-- The master changelog must include this file (include or includeAll): Liquibase
-- runs only the changelogs it includes.
-- This phase cannot be rolled back: its changesets have no rollback, so Liquibase
-- refuses to roll them back.

--changeset pgbelay:20231114221324_validate_users_handle_not_null
SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = 0;

ALTER TABLE users VALIDATE CONSTRAINT users_handle_not_null;
