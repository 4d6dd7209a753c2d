-- +goose Up
-- wrong: goose wraps this file in a transaction
CREATE INDEX CONCURRENTLY accounts_email_lower_idx ON accounts (lower(email));

-- +goose Down
DROP INDEX accounts_email_lower_idx;
