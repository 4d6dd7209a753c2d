CREATE TABLE accounts (id bigint PRIMARY KEY, owner text);
CREATE INDEX accounts_owner_idx ON accounts (owner);
