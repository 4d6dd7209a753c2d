-- Order tracking: a new table, an index and a constraint on existing ones,
-- a column type change, a backfill and a typo.
CREATE TABLE shipments (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id   bigint NOT NULL,
    shipped_at timestamptz
);
CREATE INDEX shipments_order_id_idx ON shipments (order_id);

CREATE INDEX orders_customer_id_idx ON orders (customer_id);
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'pending';
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
    FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2);
UPDATE orders SET status = 'shipped' WHERE shipped_at IS NOT NULL;
ALTER TABLE orders DROP COLUMN IF EXISTS;
CREATE UNIQUE INDEX orders_number_key ON orders (number) WHERE deleted_at IS NULL;
