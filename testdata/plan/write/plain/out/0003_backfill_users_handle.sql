-- pgbelay plan, phase 2 of 7 (backfill) for DIR/0001_rename_username.sql
-- copy username into handle in batches
-- runs outside a transaction block
-- To roll back this phase, run by hand:
--   SET lock_timeout = '3s';
--   SET statement_timeout = '30s';
--   DROP PROCEDURE IF EXISTS pgbelay_backfill_handle_users(integer, interval);

SET lock_timeout = '3s';

SET statement_timeout = 0;

CREATE PROCEDURE pgbelay_backfill_handle_users(batch_size integer DEFAULT 1000, pause interval DEFAULT '100 milliseconds')
LANGUAGE plpgsql AS $pgbelay$
DECLARE
    last_key users.id%TYPE;
    batch_last users.id%TYPE;
    upper_key users.id%TYPE;
BEGIN
    -- rows inserted from now on are covered by the change itself (default,
    -- trigger or application): stop at the last key that exists now
    SELECT max(id) INTO upper_key FROM users;
    LOOP
        WITH batch AS (
            SELECT id AS pgbelay_key FROM users
            WHERE (last_key IS NULL OR id > last_key) AND id <= upper_key
            ORDER BY id LIMIT batch_size
        ), done AS (
            UPDATE users AS t SET handle = t.username
            FROM batch WHERE t.id = batch.pgbelay_key AND (t.handle IS DISTINCT FROM t.username)
        )
        SELECT max(pgbelay_key) INTO batch_last FROM batch;
        EXIT WHEN batch_last IS NULL;
        last_key := batch_last;
        COMMIT;
        PERFORM pg_sleep(extract(epoch FROM pause));
    END LOOP;
END
$pgbelay$;

CALL pgbelay_backfill_handle_users();

DROP PROCEDURE pgbelay_backfill_handle_users(integer, interval);
