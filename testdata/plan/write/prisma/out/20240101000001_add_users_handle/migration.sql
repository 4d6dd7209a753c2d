-- pgbelay plan, phase 1 of 7 (expand) for DIR/20240101000000_rename_username/migration.sql
-- add handle next to username and keep them in sync
-- To roll back this phase, run by hand:
--   SET LOCAL lock_timeout = '3s';
--   SET LOCAL statement_timeout = '30s';
--   DROP TRIGGER IF EXISTS users_username_handle_sync ON users;
--   DROP FUNCTION IF EXISTS users_username_handle_sync();
--   ALTER TABLE users DROP COLUMN IF EXISTS handle;

BEGIN;

SET LOCAL lock_timeout = '3s';

SET LOCAL statement_timeout = '30s';

ALTER TABLE users ADD COLUMN handle varchar(100);

CREATE FUNCTION users_username_handle_sync() RETURNS trigger LANGUAGE plpgsql AS $pgbelay$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.handle IS NULL THEN
            NEW.handle := NEW.username;
        ELSIF NEW.username IS NULL THEN
            NEW.username := NEW.handle;
        END IF;
    ELSIF NEW.handle IS DISTINCT FROM OLD.handle THEN
        NEW.username := NEW.handle;
    ELSE
        NEW.handle := NEW.username;
    END IF;
    RETURN NEW;
END
$pgbelay$;

CREATE TRIGGER users_username_handle_sync BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_username_handle_sync();

COMMIT;
