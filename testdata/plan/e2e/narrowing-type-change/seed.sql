-- Catalogue: product names are limited to 100 characters from now on;
-- every existing name fits.
CREATE TABLE products (
    id bigserial PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    name varchar(200) NOT NULL,
    price_cents integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO products (sku, name, price_cents, updated_at)
SELECT 'SKU-' || g, 'Product ' || g || ' ' || repeat('x', g % 80), 100 + (g * 29) % 20000,
       timestamptz '2024-01-01 00:00+00' + g * interval '1 minute'
FROM generate_series(1, 20000) AS g;
