-- wrong: diesel sends the file as one query string even with
-- run_in_transaction = false, so these two statements share an implicit
-- transaction block
ALTER TABLE posts ADD COLUMN published_at timestamptz;
CREATE INDEX CONCURRENTLY posts_published_at_idx ON posts (published_at);
