-- liquibase formatted sql

-- changeset pgbelay:1
ALTER TABLE users RENAME COLUMN username TO handle;
-- rollback ALTER TABLE users RENAME COLUMN handle TO username;
