ALTER TABLE invoices ADD CONSTRAINT invoices_total_positive CHECK (total >= 0);
