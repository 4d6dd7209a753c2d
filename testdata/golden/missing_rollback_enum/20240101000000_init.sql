-- +goose Up
CREATE TYPE status AS ENUM ('A');
CREATE TABLE t (id int, s status);
-- +goose Down
DROP TABLE t;
DROP TYPE status;
