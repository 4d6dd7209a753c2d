ALTER TABLE products ALTER COLUMN name TYPE varchar(100);
