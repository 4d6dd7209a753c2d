-- pgbench script: new products (names that fit 100 characters), price
-- changes, renames, look-ups.
\set pid random(1, 20000)
INSERT INTO products (sku, name, price_cents) VALUES (gen_random_uuid()::text, 'New product', 999);
UPDATE products SET price_cents = price_cents + 1, updated_at = now() WHERE id = :pid;
UPDATE products SET name = 'Renamed ' || :pid WHERE id = :pid;
SELECT name, price_cents FROM products WHERE sku = 'SKU-' || :pid;
