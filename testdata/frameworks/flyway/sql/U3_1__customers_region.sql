SET lock_timeout = '5s';
ALTER TABLE ${schema}.customers DROP COLUMN region;
