-- pgbench script: order lines are added, changed and read.
\set oid random(1, 13000)
\set lid random(1, 40000)
\set q random(1, 9)
INSERT INTO order_lines (order_id, sku, quantity, unit_price_cents) VALUES (:oid, 'SKU-1', :q, 250);
UPDATE order_lines SET quantity = :q WHERE id = :lid;
SELECT sku, quantity FROM order_lines WHERE order_id = :oid;
