CREATE INDEX invoices_total_idx ON invoices (total);
