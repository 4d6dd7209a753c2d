-- Speed up "orders of a customer".
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
