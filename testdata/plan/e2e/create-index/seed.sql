-- A shop: orders are written all day; the naive migration adds an index.
CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status text NOT NULL DEFAULT 'new',
    total_cents integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO customers (name, created_at)
SELECT 'customer ' || g, timestamptz '2024-01-01 00:00+00' + g * interval '1 hour'
FROM generate_series(1, 2000) AS g;

INSERT INTO orders (customer_id, status, total_cents, created_at)
SELECT 1 + (g * 7919) % 2000,
       (ARRAY['new', 'paid', 'shipped', 'cancelled'])[1 + g % 4],
       100 + (g * 31) % 50000,
       timestamptz '2024-01-01 00:00+00' + g * interval '1 minute'
FROM generate_series(1, 40000) AS g;
