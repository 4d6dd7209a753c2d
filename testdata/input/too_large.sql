CREATE INDEX orders_created_at_idx ON orders (created_at);
CREATE INDEX orders_total_idx ON orders (total);
