SET lock_timeout = '5s';
DROP INDEX IF EXISTS users_last_login_at_idx;
ALTER TABLE users DROP COLUMN IF EXISTS last_login_at;
