-- The help keeps the constraint name the migration chose.
SET lock_timeout = '5s';
ALTER TABLE orgs ADD COLUMN seats int CONSTRAINT seats_positive CHECK (seats > 0);
ALTER TABLE orgs ADD COLUMN quota int CHECK (quota >= 0);
