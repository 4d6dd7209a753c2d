CREATE INDEX "Invoices By Account" ON invoices (account_id);
ALTER TABLE invoices ADD CONSTRAINT "Invoices Account FK" FOREIGN KEY (account_id) REFERENCES accounts (id);
ALTER TABLE invoices ADD CONSTRAINT "Invoices Note Key" UNIQUE (note);
