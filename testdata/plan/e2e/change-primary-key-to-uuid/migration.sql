-- One migration, as a developer would first write it.
ALTER TABLE orders ADD COLUMN uuid uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE order_items ADD COLUMN order_uuid uuid;

UPDATE order_items SET order_uuid = orders.uuid
FROM orders
WHERE order_items.order_id = orders.id;

ALTER TABLE order_items ALTER COLUMN order_uuid SET NOT NULL;
ALTER TABLE order_items DROP CONSTRAINT order_items_order_id_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_pkey;
ALTER TABLE orders ADD PRIMARY KEY (uuid);
ALTER TABLE order_items
    ADD CONSTRAINT order_items_order_uuid_fkey FOREIGN KEY (order_uuid) REFERENCES orders (uuid);
CREATE INDEX order_items_order_uuid_idx ON order_items (order_uuid);

ALTER TABLE orders DROP COLUMN id;
ALTER TABLE order_items DROP COLUMN order_id;
