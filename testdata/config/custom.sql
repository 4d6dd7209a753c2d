-- custom rules of testdata/config/custom.yaml, one or more findings per statement
CREATE TABLE "UserAccounts" (
    id bigint PRIMARY KEY,
    "EmailAddress" text,
    owner_id bigint CONSTRAINT owner_ref REFERENCES owners (id)
);
CREATE TABLE orders (id bigint, CONSTRAINT orders_total_positive CHECK (id > 0));
CREATE INDEX CONCURRENTLY orders_by_id ON orders (id);
CREATE SEQUENCE order_numbers;
ALTER TABLE orders RENAME COLUMN id TO "OrderId";
ALTER TABLE orders ADD COLUMN a_column_name_that_is_much_longer_than_postgres_allows_for_names_of_columns int;
DROP TABLE legacy CASCADE;
-- names written the house way: no finding
CREATE TABLE line_items (id bigint CONSTRAINT line_items_pkey PRIMARY KEY);
CREATE INDEX CONCURRENTLY line_items_id_idx ON line_items (id);
