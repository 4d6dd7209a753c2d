-- the only statement of the file: golang-migrate sends it alone, outside a
-- transaction block, so CONCURRENTLY works
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_created_at_idx ON users (created_at);
