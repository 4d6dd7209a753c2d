SET lock_timeout = '5s';
ALTER TABLE posts DROP COLUMN slug;
