ANALYZE ${schema}.customers;
