CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  owner text
);
CREATE INDEX orders_account_idx
  ON orders (account_id);
