-- 003: every invoice belongs to an account, every user has a plan.
ALTER TABLE invoices
    ADD CONSTRAINT invoices_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id);

ALTER TABLE users ADD COLUMN plan text DEFAULT 'free';
UPDATE users SET plan = 'free' WHERE plan IS NULL;
ALTER TABLE users ALTER COLUMN plan SET NOT NULL;
