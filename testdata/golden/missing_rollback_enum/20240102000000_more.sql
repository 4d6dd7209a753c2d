-- +goose Up
SET lock_timeout = '5s';
ALTER TYPE status ADD VALUE 'B';
ALTER TABLE t ADD COLUMN note text;
