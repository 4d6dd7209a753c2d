-- Scenario 4: orders moves from a sequential integer key to a UUID;
-- order_items references it.
CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL,
    total_cents integer NOT NULL,
    status text NOT NULL DEFAULT 'new',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);

CREATE TABLE order_items (
    id bigserial PRIMARY KEY,
    order_id integer NOT NULL REFERENCES orders (id),
    product_id integer NOT NULL,
    quantity integer NOT NULL
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);

INSERT INTO orders (customer_id, total_cents, status, created_at)
SELECT 1 + (g * 7919) % 3000, 100 + (g * 31) % 50000,
       (ARRAY['new', 'paid', 'shipped'])[1 + g % 3],
       timestamptz '2024-01-01 00:00+00' + g * interval '1 minute'
FROM generate_series(1, 10000) AS g;

INSERT INTO order_items (order_id, product_id, quantity)
SELECT 1 + g / 3, 1 + (g * 13) % 500, 1 + g % 4
FROM generate_series(0, 29999) AS g;
