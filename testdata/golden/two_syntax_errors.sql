CREATE INDEX accounts_owner_idx ON accounts (owner);
ALTER TABLE accounts ADD COLUMN;
CREATE INDEX accounts_plan_idx ON accounts (plan);
DROP TABLE IF EXISTS;
CREATE INDEX accounts_region_idx ON accounts (region);
