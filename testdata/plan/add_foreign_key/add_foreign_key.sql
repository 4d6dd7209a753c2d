ALTER TABLE invoices ADD CONSTRAINT invoices_account_id_fkey
    FOREIGN KEY (account_id) REFERENCES accounts (id);
