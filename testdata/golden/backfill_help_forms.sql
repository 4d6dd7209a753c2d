SET lock_timeout = '5s';
BEGIN;
ALTER TABLE a ADD COLUMN note text;
WITH x AS (SELECT id FROM np WHERE ev ? 'chart')
UPDATE np AS p SET ev = '[]' WHERE p.id IN (SELECT id FROM x);
UPDATE np AS q SET ev = '{}' WHERE q.ev IS NULL;
DELETE FROM np USING a WHERE a.id = np.id;
COMMIT;
