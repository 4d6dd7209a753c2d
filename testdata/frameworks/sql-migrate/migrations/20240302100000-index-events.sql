-- +migrate Up notransaction
CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);
CREATE INDEX CONCURRENTLY events_created_at_idx ON events (created_at);

-- +migrate Down notransaction
DROP INDEX CONCURRENTLY events_created_at_idx;
DROP INDEX CONCURRENTLY events_kind_idx;
