-- pgbench script: billing traffic on both tables of the foreign key.
\set aid random(1, 3000)
\set iid random(1, 30000)
BEGIN;
INSERT INTO invoices (account_id, amount_cents) VALUES (:aid, 4200);
UPDATE accounts SET name = 'account ' || :aid WHERE id = :aid;
COMMIT;
SELECT sum(amount_cents) FROM invoices WHERE account_id = :aid;
UPDATE invoices SET amount_cents = amount_cents + 1 WHERE id = :iid;
