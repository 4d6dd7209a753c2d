SET lock_timeout = '5s';
ALTER TABLE posts ADD COLUMN slug text;
