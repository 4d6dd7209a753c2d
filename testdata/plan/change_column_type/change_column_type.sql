ALTER TABLE invoices ALTER COLUMN account_id TYPE bigint;
