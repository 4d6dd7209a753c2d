-- no .sql.conf: Flyway's parser sees CREATE INDEX CONCURRENTLY and runs this
-- migration outside a transaction on its own
CREATE INDEX CONCURRENTLY customers_name_idx ON ${schema}.customers (name);
