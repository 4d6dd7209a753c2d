-- pgbench script: new accounts (id from the sequence), transfers to random
-- existing accounts, balance reads.
\set aid random(1, 10000)
\set amount random(-5000, 5000)
INSERT INTO accounts (name) VALUES ('new account');
BEGIN;
INSERT INTO transfers (account_id, amount_cents) VALUES (:aid, :amount);
SELECT a.name, sum(t.amount_cents) FROM accounts a JOIN transfers t ON t.account_id = a.id WHERE a.id = :aid GROUP BY a.name;
COMMIT;
