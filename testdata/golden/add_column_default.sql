-- A constant default is stored in the catalog on PostgreSQL 11+ (no rewrite);
-- a volatile default rewrites the table on every version.
ALTER TABLE accounts ADD COLUMN balance integer NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN external_id uuid DEFAULT gen_random_uuid();
