CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON ${schema}.customers (email);
