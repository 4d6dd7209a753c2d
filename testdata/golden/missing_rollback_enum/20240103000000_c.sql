-- +goose Up
ALTER TYPE status ADD VALUE 'C';
