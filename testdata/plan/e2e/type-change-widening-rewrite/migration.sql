-- integer -> bigint is not binary-coercible: a table rewrite, and every
-- index on the column is rebuilt, under ACCESS EXCLUSIVE.
ALTER TABLE events ALTER COLUMN payload_size TYPE bigint;
