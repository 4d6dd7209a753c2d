-- Each ALTER COLUMN ... TYPE bigint rewrites its table and rebuilds its
-- indexes under ACCESS EXCLUSIVE; the sequence must follow or it stops at
-- 2^31 - 1 anyway.
ALTER TABLE accounts ALTER COLUMN id TYPE bigint;
ALTER SEQUENCE accounts_id_seq AS bigint;
ALTER TABLE transfers ALTER COLUMN account_id TYPE bigint;
