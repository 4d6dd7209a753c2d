CREATE INDEX orders_created_idx ON orders (created_at);
/* TODO: drop the old index
DROP INDEX orders_old_idx;
