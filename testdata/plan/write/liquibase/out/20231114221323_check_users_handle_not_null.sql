--liquibase formatted sql
-- pgbelay plan, phase 4 of 7 (expand) for DIR/changelog.sql
-- add CHECK (handle IS NOT NULL) NOT VALID
-- The master changelog must include this file (include or includeAll): Liquibase
-- runs only the changelogs it includes.

--changeset pgbelay:20231114221323_check_users_handle_not_null
SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

ALTER TABLE users ADD CONSTRAINT users_handle_not_null CHECK (handle IS NOT NULL) NOT VALID;
--rollback SET LOCAL lock_timeout = '3s';
--rollback SET LOCAL statement_timeout = '30s';
--rollback ALTER TABLE users DROP CONSTRAINT IF EXISTS users_handle_not_null;
