-- pgbelay plan, phase 6 of 7 (expand) for DIR/20240101000000_rename_username.sql
-- SET NOT NULL on handle using the validated check

-- migrate:up
SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

ALTER TABLE users ALTER COLUMN handle SET NOT NULL;

ALTER TABLE users DROP CONSTRAINT users_handle_not_null;

-- migrate:down
SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

ALTER TABLE users ALTER COLUMN handle DROP NOT NULL;

ALTER TABLE users ADD CONSTRAINT users_handle_not_null CHECK (handle IS NOT NULL) NOT VALID;
