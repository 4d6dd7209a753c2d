DROP INDEX CONCURRENTLY ${schema}.customers_email_key;
