CREATE TABLE "BadName" (id int);
TRUNCATE "BadName";
-- pgbelay-ignore drop-column: nothing
SELECT 1;
