-- pgbench script: the shop's traffic on orders while the index is built.
\set cid random(1, 2000)
\set oid random(1, 40000)
BEGIN;
SELECT id, status, total_cents FROM orders WHERE customer_id = :cid ORDER BY created_at DESC LIMIT 10;
UPDATE orders SET status = 'paid' WHERE id = :oid;
INSERT INTO orders (customer_id, total_cents) VALUES (:cid, 1999);
COMMIT;
