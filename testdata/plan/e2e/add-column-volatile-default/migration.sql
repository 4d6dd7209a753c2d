-- gen_random_uuid() is volatile: every existing row gets its own value,
-- so PostgreSQL rewrites the whole table under ACCESS EXCLUSIVE.
ALTER TABLE users ADD COLUMN external_id uuid NOT NULL DEFAULT gen_random_uuid();
