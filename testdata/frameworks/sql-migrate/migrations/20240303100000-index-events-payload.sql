-- +migrate Up
-- wrong: without notransaction sql-migrate runs the Up part in a transaction
CREATE INDEX CONCURRENTLY events_payload_idx ON events USING gin (payload);

-- +migrate Down notransaction
DROP INDEX CONCURRENTLY events_payload_idx;
