DROP TABLE ${schema}.customers;
