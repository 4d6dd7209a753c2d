-- +goose Up
ALTER TABLE users RENAME COLUMN username TO handle;

-- +goose Down
ALTER TABLE users RENAME COLUMN handle TO username;
