-- migrate:up transaction:false
-- wrong: dbmate sends the block as one query string, so these two statements
-- run as one implicit transaction block
ALTER TABLE projects ADD COLUMN slug text;
CREATE UNIQUE INDEX CONCURRENTLY projects_slug_key ON projects (slug);

-- migrate:down
DROP INDEX projects_slug_key;
ALTER TABLE projects DROP COLUMN slug;
