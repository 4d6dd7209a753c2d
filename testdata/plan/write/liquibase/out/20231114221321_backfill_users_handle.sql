--liquibase formatted sql
-- pgbelay plan, phase 2 of 7 (backfill) for DIR/changelog.sql
-- copy username into handle in batches
-- runs outside a transaction block
-- The master changelog must include this file (include or includeAll): Liquibase
-- runs only the changelogs it includes.
-- Each statement has a changeset of its own: a dollar-quoted body needs
-- splitStatements:false, which sends the changeset as one query string, and
-- PostgreSQL runs a multi-statement query string as one transaction.

--changeset pgbelay:20231114221321_backfill_users_handle_1 runInTransaction:false
SET lock_timeout = '3s';
--rollback empty

--changeset pgbelay:20231114221321_backfill_users_handle_2 runInTransaction:false
SET statement_timeout = 0;
--rollback empty

--changeset pgbelay:20231114221321_backfill_users_handle_3 runInTransaction:false splitStatements:false
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
--rollback DROP PROCEDURE IF EXISTS pgbelay_backfill_handle_users(integer, interval);

--changeset pgbelay:20231114221321_backfill_users_handle_4 runInTransaction:false
CALL pgbelay_backfill_handle_users();
--rollback SET statement_timeout = '30s';

--changeset pgbelay:20231114221321_backfill_users_handle_5 runInTransaction:false
DROP PROCEDURE pgbelay_backfill_handle_users(integer, interval);
--rollback SET lock_timeout = '3s';
