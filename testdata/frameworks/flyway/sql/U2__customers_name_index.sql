DROP INDEX CONCURRENTLY ${schema}.customers_name_idx;
