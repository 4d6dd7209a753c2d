-- +goose NO TRANSACTION
-- goose runs each statement of this file on its own, outside a transaction

-- +goose Up
CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);
CREATE INDEX CONCURRENTLY accounts_updated_at_idx ON accounts (updated_at);

-- +goose Down
DROP INDEX CONCURRENTLY accounts_updated_at_idx;
DROP INDEX CONCURRENTLY accounts_email_idx;
