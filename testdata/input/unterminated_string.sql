CREATE INDEX orders_created_idx ON orders (created_at);
COMMENT ON TABLE orders IS 'customer orders;
CREATE INDEX orders_total_idx ON orders (total);
