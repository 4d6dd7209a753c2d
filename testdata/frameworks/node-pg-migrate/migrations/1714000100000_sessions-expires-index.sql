-- Up Migration
-- wrong: node-pg-migrate runs SQL migrations in a transaction; only a JS
-- migration can call pgm.noTransaction()
CREATE INDEX CONCURRENTLY sessions_expires_at_idx ON sessions (expires_at);

-- Down Migration
DROP INDEX CONCURRENTLY sessions_expires_at_idx;
