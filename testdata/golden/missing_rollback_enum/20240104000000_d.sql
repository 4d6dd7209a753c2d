-- +goose Up
ALTER TYPE status RENAME VALUE 'C' TO 'D';
