-- pgbench script. Neither "customer" nor "customers" exists in every phase,
-- so the workload works on orders, whose foreign key checks read the
-- renamed table (FOR KEY SHARE) on every insert.
\set cid random(1, 5000)
\set oid random(1, 20000)
INSERT INTO orders (customer_id, total_cents) VALUES (:cid, 1999);
UPDATE orders SET total_cents = total_cents + 1 WHERE id = :oid;
SELECT count(*), sum(total_cents) FROM orders WHERE customer_id = :cid;
