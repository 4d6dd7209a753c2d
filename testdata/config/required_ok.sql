-- alter-sets-lock-timeout is satisfied: no custom finding
SET lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN note text;
