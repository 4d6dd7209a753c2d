CREATE OR REPLACE VIEW ${schema}.customer_emails AS
    SELECT id, email FROM ${schema}.customers;
