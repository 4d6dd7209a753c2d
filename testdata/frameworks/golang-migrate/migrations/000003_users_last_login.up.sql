SET lock_timeout = '5s';

ALTER TABLE users ADD COLUMN last_login_at timestamptz;

-- wrong: three statements in one Exec run as one implicit transaction block
CREATE INDEX CONCURRENTLY users_last_login_at_idx ON users (last_login_at);
