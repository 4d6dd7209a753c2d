-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block.
BEGIN;
CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at);
COMMIT;
-- after COMMIT it runs on its own: fine
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
