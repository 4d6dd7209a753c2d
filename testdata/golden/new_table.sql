-- Nothing uses a table created in the same file yet: no lock findings on it.
CREATE TABLE invoices (
    id         bigint PRIMARY KEY,
    account_id bigint NOT NULL,
    amount     numeric(12, 2)
);
CREATE INDEX invoices_account_id_idx ON invoices (account_id);
ALTER TABLE invoices ADD COLUMN status text NOT NULL DEFAULT 'open';
ALTER TABLE invoices ALTER COLUMN amount SET NOT NULL;
ALTER TABLE invoices ALTER COLUMN amount TYPE numeric(14, 2);
-- an existing table is still checked
CREATE INDEX accounts_created_at_idx ON accounts (created_at);
