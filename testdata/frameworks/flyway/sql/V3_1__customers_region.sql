SET lock_timeout = '5s';
ALTER TABLE ${schema}.customers ADD COLUMN region text;
CREATE INDEX CONCURRENTLY customers_region_idx ON ${schema}.customers (region);
