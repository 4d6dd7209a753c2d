-- invoices moved to the billing service
DROP TABLE invoices;
