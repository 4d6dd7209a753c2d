-- pgbelay plan, phase 4 of 7 (expand) for DIR/2024-01-01-000000_rename_username/up.sql
-- add CHECK (handle IS NOT NULL) NOT VALID

SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

ALTER TABLE users ADD CONSTRAINT users_handle_not_null CHECK (handle IS NOT NULL) NOT VALID;
