-- migrate:up
ALTER TABLE users RENAME COLUMN username TO handle;

-- migrate:down
ALTER TABLE users RENAME COLUMN handle TO username;
