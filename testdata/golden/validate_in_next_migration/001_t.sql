-- a constraint added NOT VALID in one migration
BEGIN;
SET LOCAL lock_timeout = '3s';
CREATE TABLE t (id int PRIMARY KEY, n int);
COMMIT;
