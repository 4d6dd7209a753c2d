--liquibase formatted sql
-- pgbelay plan, phase 6 of 7 (expand) for DIR/changelog.sql
-- SET NOT NULL on handle using the validated check
-- The master changelog must include this file (include or includeAll): Liquibase
-- runs only the changelogs it includes.

--changeset pgbelay:20231114221325_set_users_handle_not_null
SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

ALTER TABLE users ALTER COLUMN handle SET NOT NULL;

ALTER TABLE users DROP CONSTRAINT users_handle_not_null;
--rollback SET LOCAL lock_timeout = '3s';
--rollback SET LOCAL statement_timeout = '30s';
--rollback ALTER TABLE users ALTER COLUMN handle DROP NOT NULL;
--rollback ALTER TABLE users ADD CONSTRAINT users_handle_not_null CHECK (handle IS NOT NULL) NOT VALID;
