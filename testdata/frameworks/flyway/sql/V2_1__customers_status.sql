SET lock_timeout = '5s';
ALTER TABLE ${schema}.customers ADD COLUMN status text;
