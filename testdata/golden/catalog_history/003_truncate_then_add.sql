-- The table is emptied in the same transaction: ADD COLUMN ... NOT NULL
-- without a default cannot fail on it. The second ADD COLUMN, after an
-- INSERT, can.
BEGIN;
SET LOCAL lock_timeout = '5s';
TRUNCATE memberships;
ALTER TABLE memberships ADD COLUMN tier int NOT NULL;
INSERT INTO memberships (org_id, user_id, tier) VALUES (1, 1, 0);
ALTER TABLE memberships ADD COLUMN seat int NOT NULL;
COMMIT;
