-- The table "customer" is renamed to "customers" (house style: plural).
-- orders references it.
CREATE TABLE customer (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    email text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customer (id),
    total_cents integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);

INSERT INTO customer (name, email, created_at)
SELECT 'customer ' || g, 'customer' || g || '@example.com',
       timestamptz '2023-01-01 00:00+00' + g * interval '1 hour'
FROM generate_series(1, 5000) AS g;

INSERT INTO orders (customer_id, total_cents, created_at)
SELECT 1 + (g * 7919) % 5000, 100 + (g * 31) % 50000,
       timestamptz '2024-01-01 00:00+00' + g * interval '1 minute'
FROM generate_series(1, 20000) AS g;
