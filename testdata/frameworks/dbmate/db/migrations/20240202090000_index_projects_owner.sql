-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY projects_owner_id_idx ON projects (owner_id);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY projects_owner_id_idx;
