-- Up Migration
SET lock_timeout = '5s';
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Down Migration
DROP INDEX sessions_user_id_idx;
