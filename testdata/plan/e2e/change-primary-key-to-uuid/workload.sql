-- pgbench script on the columns of every phase: new orders (the key comes
-- from a default before and after), status changes, item quantity changes,
-- a customer's orders. Items cannot be inserted: neither order_id nor
-- order_uuid exists in every phase.
\set cid random(1, 3000)
\set iid random(1, 30000)
INSERT INTO orders (customer_id, total_cents) VALUES (:cid, 2500);
UPDATE orders SET status = 'paid' WHERE customer_id = :cid AND status = 'new';
UPDATE order_items SET quantity = quantity + 1 WHERE id = :iid;
SELECT count(*), sum(total_cents) FROM orders WHERE customer_id = :cid;
