-- +migrate Up
ALTER TABLE users RENAME COLUMN username TO handle;

-- +migrate Down
ALTER TABLE users RENAME COLUMN handle TO username;
