-- validated in the next migration: not the same transaction
BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE t VALIDATE CONSTRAINT t_n_pos;
COMMIT;
