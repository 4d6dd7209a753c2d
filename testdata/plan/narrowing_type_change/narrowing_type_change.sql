ALTER TABLE invoices ALTER COLUMN note TYPE varchar(100);
